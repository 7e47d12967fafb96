"""Hand-written entity, number and date extraction."""

from __future__ import annotations

from gazette.stories.entities import entities_extract, quantities_extract


def names(title: str, text: str) -> dict[str, tuple[str, int]]:
    return {m.name: (m.kind, m.count) for m in entities_extract(title, text)}


def test_people_organisations_and_places():
    found = names(
        "Lindsay Lohan checks into Betty Ford Center",
        "Lindsay Lohan has checked into the Betty Ford Center in Rancho Mirage, California. "
        "Lohan was there before, her lawyer Shawn Holley told reporters. Apple Inc. declined to comment.",
    )
    assert found["Lindsay Lohan"] == ("person", 3)  # "Lohan" folds into the full name
    assert found["Betty Ford Center"][0] == "org"
    assert found["California"][0] == "place"
    assert found["Shawn Holley"][0] == "person"
    assert "Apple Inc" in found


def test_sentence_initial_words_and_calendar_names_are_not_entities():
    found = names(
        "Storm passes",
        "After the storm, crews worked all night. However, roads stayed shut on Monday in March. "
        "Officials in Oslo said the storm had passed.",
    )
    assert "After" not in found and "However" not in found
    assert "Monday" not in found and "March" not in found
    assert "Oslo" in found


def test_title_case_headlines_keep_only_names_the_body_repeats():
    found = names("Huge Fire Destroys Historic Mill In Leeds", "A fire destroyed a mill in Leeds on Sunday.")
    assert "Leeds" in found
    assert "Huge Fire Destroys Historic Mill" not in found


def test_possessives_and_connectors():
    found = names("", "The Bank of England raised rates. England's economy slowed, Mr Bailey's team said.")
    assert "Bank of England" in found
    assert found["Bailey"][0] == "person"


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
    assert entities_extract("", "") == []
    assert quantities_extract("", "") == []
