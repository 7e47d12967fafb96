from datetime import UTC, datetime

import pytest

from gazette.api.greader.ids import (
    ProtocolError,
    continuation_make,
    continuation_parse,
    from_seconds,
    item_id_long,
    item_id_parse,
    stream_id_normal,
)


def test_item_ids_in_long_and_short_forms_name_the_same_article():
    assert item_id_long(31) == "tag:google.com,2005:reader/item/000000000000001f"
    assert item_id_parse(item_id_long(31)) == 31
    assert item_id_parse("31") == 31


@pytest.mark.parametrize("raw", ["", "abc", "0", "tag:google.com,2005:reader/item/zz", "9" * 30, "-1"])
def test_malformed_item_ids_are_protocol_errors(raw):
    with pytest.raises(ProtocolError):
        item_id_parse(raw)


def test_continuations_round_trip_to_the_microsecond():
    moment = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
    assert continuation_parse(continuation_make(moment, 42)) == (moment, 42)


@pytest.mark.parametrize("raw", ["x", "12", "12_", "_12", "1_2_3", "9" * 25 + "_1"])
def test_malformed_continuations_are_protocol_errors(raw):
    with pytest.raises(ProtocolError):
        continuation_parse(raw)


def test_times_in_seconds_milli_and_microseconds():
    second = datetime(2026, 1, 1, tzinfo=UTC)
    stamp = int(second.timestamp())
    assert from_seconds(str(stamp), "ot") == second
    assert from_seconds(str(stamp * 1000), "ts") == second
    assert from_seconds(str(stamp * 1_000_000), "ts") == second
    for bad in ("soon", "-5", "9" * 40):
        with pytest.raises(ProtocolError):
            from_seconds(bad, "ts")


def test_user_numbers_in_stream_ids_mean_the_reader():
    assert stream_id_normal("user/1234/state/com.google/read") == "user/-/state/com.google/read"
    assert stream_id_normal("feed/12") == "feed/12"
