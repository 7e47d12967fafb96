from datetime import UTC, datetime, timedelta

import pytest

from gazette.stories.copies import CopyIndex, CopyOptions, Doc, copies_find

WIRE = (
    "The city council voted on Tuesday to close the old harbour bridge to cars from next spring, ending "
    "eighty years of traffic over the river. Engineers told councillors that the steel deck had corroded "
    "faster than expected and that repairs would cost more than building a new crossing. "
    'Mayor Ana Ruiz said the decision was painful but unavoidable. "We cannot ask people to drive over a '
    'bridge our own engineers no longer trust," she said after the vote, which passed by nine votes to four. '
    "Cyclists and pedestrians will still be allowed to use the bridge until a replacement opens, expected in "
    "four years. Local shop owners on the north bank warned that the closure would cut them off from "
    "customers and asked the council for help with rents during the works. The council said it would "
    "publish a traffic plan in the coming weeks, including extra buses between the two banks. "
    "The bridge, opened in 1946, carries about twelve thousand vehicles a day according to city figures. "
    "Opposition councillors criticised the timing and said the problems had been known for a decade."
)

# Own reporting on the same event: the same names, numbers and quote, told in other words.
OWN_REPORT = (
    "Drivers will lose their shortest route across the river next spring. On Tuesday councillors decided, "
    "nine to four, that the harbour bridge built in 1946 must close to motor traffic. Mayor Ana Ruiz told "
    'reporters: "We cannot ask people to drive over a bridge our own engineers no longer trust." '
    "According to a report presented to the council, corrosion in the steel deck has advanced so far that "
    "fixing it would be dearer than a new bridge. Around twelve thousand vehicles use the crossing every day. "
    "Walkers and cyclists can keep using it while a new bridge is built, which officials say will take four "
    "years. Shopkeepers north of the river fear losing trade, and opposition members accused the majority of "
    "acting a decade too late. A plan for buses between the banks is promised within weeks."
)


def doc(id, text, title="", **kw):
    return Doc(id=id, title=title, text=text, **kw)


def sentences(text):
    return [s + "." for s in text.rstrip(".").split(". ")]


def test_identical_text_with_new_headline_is_a_copy():
    found = copies_find(
        [doc("a", WIRE, "Bridge to close"), doc("b", WIRE, "Council shuts 80-year-old crossing")]
    )
    assert found == {"a": None, "b": "a"}


def test_trimmed_tail_is_a_copy():
    trimmed = " ".join(sentences(WIRE)[:6])
    assert copies_find([doc("a", WIRE), doc("b", trimmed)])["b"] == "a"


def test_inserted_promo_lines_and_cut_sentences_are_a_copy():
    parts = sentences(WIRE)
    del parts[3]
    parts.insert(2, "Sign up for our newsletter to get the top stories every morning.")
    parts.insert(6, "Read more: Ten things to do in the city this weekend")
    text = "\n\n".join(parts)
    assert copies_find([doc("a", WIRE), doc("b", text)])["b"] == "a"


def test_swapped_words_are_a_copy():
    text = (
        WIRE.replace("Tuesday", "Wednesday")
        .replace("painful", "difficult")
        .replace("customers", "shoppers")
        .replace("criticised", "attacked")
    )
    assert copies_find([doc("a", WIRE), doc("b", text)])["b"] == "a"


def test_same_event_own_reporting_is_not_a_copy():
    assert copies_find([doc("a", WIRE), doc("b", OWN_REPORT)]) == {"a": None, "b": None}


def test_short_texts_are_copies_only_when_near_identical():
    short = (
        "The harbour bridge will close to cars next spring after councillors voted nine to four on Tuesday."
    )
    assert copies_find([doc("a", short), doc("b", short + " Photo: city council.")])["b"] == "a"
    lead = " ".join(WIRE.split()[:40])
    assert copies_find([doc("a", WIRE), doc("b", lead)])["b"] is None


def test_tiny_and_empty_texts_are_never_copies():
    found = copies_find(
        [doc("a", "Watch the video."), doc("b", "Watch the video."), doc("c", ""), doc("d", "")]
    )
    assert set(found.values()) == {None}


def test_earliest_published_is_the_original_whatever_the_input_order():
    t = datetime(2024, 5, 1, 12, tzinfo=UTC)
    docs = [
        doc("late", WIRE, published=t + timedelta(hours=2)),
        doc("first", WIRE, published=t),
        doc("undated", WIRE),
    ]
    assert copies_find(docs) == {"late": "first", "first": None, "undated": "first"}


def test_naive_and_aware_times_compare():
    t = datetime(2024, 5, 1, 12)
    docs = [doc("a", WIRE, published=t.replace(tzinfo=UTC)), doc("b", WIRE, published=t - timedelta(hours=1))]
    assert copies_find(docs) == {"a": "b", "b": None}


def test_index_is_incremental_and_late_arrivals_published_earlier_become_the_original():
    index = CopyIndex()
    t = datetime(2024, 5, 1, tzinfo=UTC)
    assert index.add(doc("a", WIRE, published=t)) is None
    assert index.add(doc("b", OWN_REPORT, published=t)) is None
    assert index.add(doc("c", WIRE, published=t + timedelta(hours=1))) == "a"
    assert index.add(doc("d", WIRE, published=t - timedelta(hours=1))) is None
    assert index.original_of("a") == "d"
    assert index.original_of("c") == "d"
    assert index.original_of("b") is None
    assert index.group_of("c") == ["d", "a", "c"]
    assert len(index) == 4 and "b" in index


def test_adding_an_id_twice_is_refused():
    index = CopyIndex()
    index.add(doc("a", WIRE))
    with pytest.raises(ValueError, match="already added"):
        index.add(doc("a", WIRE))


def test_many_unrelated_documents_stay_apart_and_copies_are_found():
    # Rotating sentences across documents makes them share passages without being copies.
    parts = sentences(WIRE) + sentences(OWN_REPORT)
    docs = [doc(f"d{i}", " ".join(parts[i:] + parts[:i][:2])) for i in range(0, len(parts), 7)]
    docs.append(doc("copy", docs[0].text + " Follow us for more."))
    found = copies_find(docs)
    assert found["copy"] == "d0"


def test_options_are_tunable():
    trimmed = " ".join(sentences(WIRE)[:6])
    strict = CopyOptions(containment_min=1.01)
    assert copies_find([doc("a", WIRE), doc("b", trimmed)], strict)["b"] is None


def test_evicted_documents_are_never_candidates_and_a_group_keeps_its_original():
    index = CopyIndex()
    t = datetime(2024, 5, 1, tzinfo=UTC)
    index.add(doc("original", WIRE, published=t))
    assert index.add(doc("copy", WIRE, published=t + timedelta(days=1))) == "original"
    assert index.evict_before(t + timedelta(hours=12)) == 1
    assert "original" not in index and len(index) == 1
    # A later copy still matches the kept copy, and points at the forgotten original.
    assert index.add(doc("later", WIRE, published=t + timedelta(days=2))) == "original"
    assert index.group_of("later") == ["original", "copy", "later"]
    assert index.evict_before(t + timedelta(days=3)) == 2
    assert index.add(doc("after", WIRE, published=t + timedelta(days=4))) is None


def test_an_undated_document_ages_from_the_newest_date_seen_when_it_arrived():
    index = CopyIndex()
    t = datetime(2024, 5, 1, tzinfo=UTC)
    index.add(doc("dated", OWN_REPORT, published=t))
    index.add(doc("undated", WIRE))
    assert index.evict_before(t) == 0
    assert index.evict_before(t + timedelta(seconds=1)) == 2


def test_an_index_saved_before_eviction_existed_loads_and_continues():
    import pickle
    import zlib
    from pathlib import Path

    # Written by the code before eviction: an original, another report, and a copy of the original.
    path = Path(__file__).parent / "testdata" / "copy-index-before-eviction.pickle.z"
    index = pickle.loads(zlib.decompress(path.read_bytes()))  # noqa: S301 — our own fixture
    t = datetime(2024, 5, 1, tzinfo=UTC)
    assert len(index) == 3 and index.original_of("copy") == "original"
    assert index.add(doc("later", WIRE, published=t + timedelta(days=2))) == "original"
    assert index.evict_before(t + timedelta(hours=1)) == 2
    assert index.group_of("later") == ["original", "copy", "later"]
    assert index.add(doc("own-copy", OWN_REPORT, published=t + timedelta(days=3))) is None
