"""Story digest: agreement backed by other outlets, differing figures, the first report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gazette.ai.digest import DigestArticle, digest_build

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def art(i: int, source: str, text: str, minutes: int) -> DigestArticle:
    return DigestArticle(i, source, f"headline {i}", text, T0 + timedelta(minutes=minutes))


def test_agreement_differences_and_first_report():
    shared = "The regional governor ordered the evacuation of the riverside districts late on Monday night."
    articles = [
        art(
            1,
            "Wire",
            f"{shared} Floodwater reached 3 metres in the old town. About 12,000 residents left.",
            0,
        ),
        art(2, "Ledger", f"{shared} Officials said 9,000 residents left their homes before midnight.", 40),
        art(
            3,
            "Courier",
            "Locals blamed the dam operator. " + shared.replace("late on Monday night", "on Monday"),
            90,
        ),
    ]
    digest = digest_build(articles)
    assert digest.first is not None and digest.first.source == "Wire" and digest.outlets == 3
    top = digest.agreed[0]
    assert "evacuation" in top.text and {c.source for c in top.citations} == {"Wire", "Ledger", "Courier"}
    residents = next(d for d in digest.differences if d.about == "residents left")
    assert {(f.value, tuple(f.sources)) for f in residents.figures} == {
        ("12,000", ("Wire",)),
        ("9,000", ("Ledger",)),
    }


def test_one_outlet_has_nothing_to_agree_with():
    digest = digest_build([art(1, "Wire", "A long enough sentence about the harbour bridge vote today.", 0)])
    assert digest.agreed == [] and digest.differences == []
    assert digest_build([]).first is None


def test_an_outlets_later_figures_are_not_disagreements():
    wire = "About 12,000 people fled the fire. By evening 9,400 people were in shelters across the province."
    ledger = "Some 12,000 people left their homes as the fire spread toward the town centre overnight."
    digest = digest_build([art(1, "Wire", wire, 0), art(2, "Ledger", ledger, 30)])
    assert all(d.about != "people" for d in digest.differences)


def test_two_outlets_counting_one_thing_differently_is_a_difference():
    governor = (
        "Provincial governor Selim Aktas said 46 buildings had collapsed and about 300 more were damaged."
    )
    officials = "Officials said 1,150 rescue workers were in the town and that 41 buildings had collapsed."
    digest = digest_build([art(1, "Civic", governor, 0), art(2, "Ledger", officials, 30)])
    [row] = digest.differences
    assert row.about == "buildings collapsed"
    assert {(f.value, tuple(f.sources)) for f in row.figures} == {("46", ("Civic",)), ("41", ("Ledger",))}
    assert [f.quotes for f in row.figures] == [[governor], [officials]] or [
        f.quotes for f in row.figures
    ] == [
        [officials],
        [governor],
    ]


def _rows(*texts: str) -> list:
    return digest_build([art(i, f"Outlet {i}", t, 10 * i) for i, t in enumerate(texts, start=1)]).differences


def test_a_change_from_one_value_to_another_is_not_a_difference():
    assert (
        _rows(
            "The Reserve Bank of Australia lifted its cash rate to 4.35 percent from 4.1 percent on Tuesday.",
            "The Reserve Bank of Australia raised its cash rate to 4.35 percent on Tuesday.",
        )
        == []
    )
    assert (
        _rows(
            "The central bank lifted the cash rate to 4.35 percent from 4.1 percent.",
            "The central bank kept the cash rate at 4.1 percent for a year before the move.",
        )
        == []
    )
    assert (
        _rows(
            "The fare rose from 20 to 25 dollars for a single ticket.",
            "A single ticket now costs 25 dollars, the operator said.",
        )
        == []
    )


def test_a_total_and_a_part_of_it_are_not_a_difference():
    assert (
        _rows(
            "Voltaris is recalling 204,000 vehicles in the United States over a battery fault.",
            "About 38,000 of the vehicles need a hardware fix at a dealer.",
        )
        == []
    )
    assert (
        _rows(
            "Voltaris is recalling 204,000 vehicles in the United States over a battery fault.",
            "Some 38,000 vehicles need a hardware fix at a dealer, Voltaris said.",
        )
        == []
    )


def test_figures_of_different_subjects_are_not_a_difference():
    # an assembly's size against a party's seats
    assert (
        _rows(
            "Civic Renewal won 97 seats in the 240-seat National Assembly.",
            "The People's Union won 71 seats, its weakest result.",
        )
        == []
    )
    assert (
        _rows(
            "Civic Renewal won 97 of the 240 seats in the National Assembly.",
            "Civic Renewal won 97 seats, short of a majority.",
        )
        == []
    )
    # a city's population against the number affected
    assert (
        _rows(
            "The quake struck Puerto Salinas, a port city of about 180,000 people, before dawn.",
            "About 400 people were left homeless in Puerto Salinas by the quake.",
        )
        == []
    )


def test_a_bound_that_holds_the_other_figure_is_not_a_difference():
    assert (
        _rows(
            "The earthquake killed at least four people in the port city.",
            "Seven people were killed in the earthquake in the port city.",
        )
        == []
    )
    assert (
        _rows(
            "The fire had burned about 6,000 hectares of forest by midnight.",
            "The fire had burned 6,200 hectares of forest by midnight.",
        )
        == []
    )


def test_an_outlet_is_credited_only_with_a_point_its_text_carries():
    wire = "The magnitude 5.9 earthquake killed at least seven people and injured 112 in the mountain town."
    herald = "At least seven people were killed and 112 injured in the magnitude 5.9 earthquake in the town."
    # Same words, other figures: this outlet did not report seven dead and 112 injured.
    ledger = "The magnitude 5.9 earthquake killed at least six people and injured 80 in the mountain town."
    digest = digest_build(
        [art(1, "Wire", wire, 0), art(2, "Herald", herald, 20), art(3, "Ledger", ledger, 40)]
    )
    for point in digest.agreed:
        for c in point.citations:
            assert c.sentence in {1: wire, 2: herald, 3: ledger}[c.article_id]
    seven = next(p for p in digest.agreed if "seven" in p.text)
    assert {c.source for c in seven.citations} == {"Wire", "Herald"}
    # Names alone do not carry a point.
    digest = digest_build(
        [
            art(1, "Wire", "Governor Philippa Vance acknowledged the tension between rents and rates.", 0),
            art(2, "Post", "Governor Philippa Vance said the board was not ruling anything in or out.", 10),
        ]
    )
    assert digest.agreed == []


def test_points_name_their_subject_and_each_fact_is_told_once():
    texts = {
        "Wire": "He said the evacuation of the riverside districts was ordered late on Monday night. "
        "On Tuesday he said the river had peaked. "
        "The regional governor ordered the evacuation of the riverside districts late on Monday night.",
        "Ledger": "He said the evacuation of the riverside districts was ordered late on Monday night. "
        "On Tuesday he said the river had peaked. "
        "The regional governor ordered riverside districts evacuated late on Monday night.",
        "Courier": "Late on Monday night, the regional governor ordered the evacuation of the riverside districts. "
        "But the dam operator has linked it to a faulty sluice gate on the upper river.",
        "Post": "The dam operator has linked it to a faulty sluice gate on the upper river. "
        "But the river is expected to fall quickly once the rain stops tonight.",
        "Times": "The river is expected to fall quickly once the rain stops tonight, forecasters said.",
    }
    digest = digest_build([art(i, s, t, 10 * i) for i, (s, t) in enumerate(texts.items())])
    # "linked it to …" never says what "it" is: no point; "But …" answers a sentence not shown.
    assert [p.text for p in digest.agreed] == [
        digest.agreed[0].text,
        "The river is expected to fall quickly once the rain stops tonight.",
    ]
    point = digest.agreed[0]
    assert "governor" in point.text and not point.text.startswith(("He", "On Tuesday he"))
    assert {c.source for c in point.citations} == {"Wire", "Ledger", "Courier"}
