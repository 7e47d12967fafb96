"""The clusterer's evidence: capitalised name phrases, numbers, years and dates."""

from __future__ import annotations

from gazette.stories.mentions import names_count, quantities_extract


def names(title: str, text: str) -> dict[str, int]:
    return dict(names_count(title, text))


def test_full_names_claim_their_surnames():
    found = names(
        "Lindsay Lohan checks into Betty Ford Center",
        "Lindsay Lohan has checked into the Betty Ford Center in Rancho Mirage, California. "
        "Lohan was there before, her lawyer Shawn Holley told reporters.",
    )
    assert found["Lindsay Lohan"] == 3
    assert "Lohan" not in found
    assert {"Betty Ford Center", "California", "Shawn Holley", "Rancho Mirage"} <= set(found)


def test_sentence_initial_words_and_calendar_names_are_left_out():
    found = names(
        "Storm passes",
        "After the storm, crews worked all night. However, roads stayed shut on Monday in March. "
        "Officials in Oslo said the storm had passed.",
    )
    assert {"After", "However", "Monday", "March"}.isdisjoint(found)
    assert "Oslo" in found


def test_a_country_named_only_at_the_start_of_sentences_is_kept():
    found = names("Storm passes", "Fiji declared a state of emergency. Fiji has closed its schools.")
    assert found.get("Fiji") == 2


def test_title_case_headlines_keep_only_names_the_body_repeats():
    found = names("Huge Fire Destroys Historic Mill In Leeds", "A fire destroyed a mill in Leeds on Sunday.")
    assert "Leeds" in found
    assert "Huge Fire Destroys Historic Mill" not in found


def test_possessives_connectors_and_titles():
    found = names("", "The Bank of England raised rates. England's economy slowed, President Bailey said.")
    assert "Bank of England" in found
    assert "Bailey" in found and "President Bailey" not in found


def test_numbers_years_and_dates():
    found = {
        (m.name, m.kind)
        for m in quantities_extract("6.1 quake", "On May 3, 2013, 14,000 people fled; 2 died.")
    }
    assert ("6.1", "number") in found
    assert ("14000", "number") in found
    assert ("2013", "year") in found
    assert ("May 3", "date") in found


def test_empty_input():
    assert names_count("", "") == []
    assert quantities_extract("", "") == []
