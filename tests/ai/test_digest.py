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
    residents = next(d for d in digest.differences if d.about == "residents")
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
