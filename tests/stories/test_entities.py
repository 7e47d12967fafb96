"""Entities from the spaCy model (en_core_web_sm from its package folder), numbers and dates by pattern."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from gazette.stories import entities
from gazette.stories.entities import (
    NerModelError,
    bundled_model_path,
    entities_extract,
    entity_kind,
    recogniser_get,
)


def names(title: str, text: str) -> dict[str, tuple[str, int]]:
    return {m.name: (m.kind, m.count) for m in entities_extract(title, text)}


def test_people_organisations_and_places():
    found = names(
        "Lindsay Lohan checks into Betty Ford Center",
        "Lindsay Lohan has checked into the Betty Ford Center in Rancho Mirage, California. "
        "Lohan was there before, her lawyer Shawn Holley told reporters in London. Apple Inc. declined to "
        "comment.",
    )
    assert found["Lindsay Lohan"] == ("person", 3)  # "Lohan" folds into the full name
    assert "Lohan" not in found
    assert found["California"][0] == "place"
    assert found["London"][0] == "place"
    assert found["Shawn Holley"][0] == "person"
    assert found["Apple Inc."][0] == "org"


def test_short_name_folds_into_the_company_and_surname_into_the_person():
    found = names(
        "Voltaris Motors recalls 310,000 SUVs",
        "Voltaris Motors has recalled 310,000 SUVs. Voltaris said the risk was low. Chief executive "
        "Diane Okonjo apologised. Okonjo said the fix would take a week.",
    )
    assert found["Voltaris Motors"] == ("org", 3)
    assert "Voltaris" not in found
    assert found["Diane Okonjo"] == ("person", 2)
    assert "SUVs" not in found  # a plural acronym is a common noun


def test_titles_and_honorifics_are_not_part_of_a_name():
    found = names(
        "Rates on hold",
        "The opposition treasury spokesman, Gareth Linley, blamed government spending, while Treasurer "
        'Anne Mbeki said the budget surplus showed it was "doing the heavy lifting." Riverside skipper Joe '
        "Mallory, 34, lifted the trophy alongside Andy Pearce. Dr Amara Oduya and Mrs Cowley were there.",
    )
    assert {"Anne Mbeki", "Joe Mallory", "Andy Pearce", "Amara Oduya"} <= set(found)
    assert not [n for n in found if n.startswith(("Treasurer", "Riverside", "Dr", "Mrs"))]


def test_shouting_and_common_words_are_not_entities():
    found = names(
        "Brit boffins cheer as probe reaches Jupiter after 2-BILLION-mile trip",
        '"These are the results we hoped for and, frankly, a little better," chief executive Kristin '
        'Aalberg said. "Migraine is one of the most disabling conditions in the world." Farmers protested '
        "in Madrid on Monday. The bank said the Bank would wait.",
    )
    assert {"Farmers", "Migraine", "Bank"}.isdisjoint(found)
    assert not [n for n in found if "BILLION" in n.upper()]
    assert found["Madrid"][0] == "place"
    assert found["Kristin Aalberg"][0] == "person"


def test_dateline_in_capitals_reads_as_a_name():
    found = names(
        "Supermarkets to merge",
        "NEW YORK (Meridian Wire) - Supermarket chains Fairfield Markets and Corbel Foods have agreed to "
        "merge, the companies said. Corbel shareholders will receive cash.",
    )
    assert found["New York"][0] == "place"
    assert found["Corbel Foods"][0] == "org"  # the model calls it a work of art; "Foods" settles it
    assert found["Fairfield Markets"][0] == "org"


def test_the_last_word_settles_a_company_or_a_place():
    assert entity_kind("Atlas Freight", {"person": 4, "other": 2}) == "org"
    assert entity_kind("Fenwick Lane", {"person": 3}) == "place"
    assert entity_kind("Karin Holtz", {"person": 1, "org": 1}) == "person"
    assert entity_kind("Oslo", {}) == "other"


def test_empty_input():
    assert entities_extract("", "") == []


def test_the_bundled_model_is_loaded_from_its_package_folder():
    path = Path(bundled_model_path())
    assert (path / "config.cfg").is_file() and (path / "ner").is_dir()
    recogniser = recogniser_get()
    # only the recogniser runs; the tagger and parser are not even loaded
    assert "ner" in recogniser.nlp.pipe_names
    assert "parser" not in recogniser.nlp.pipe_names and "tagger" not in recogniser.nlp.pipe_names


def test_a_model_of_ones_own_by_folder(tmp_path):
    # a user's model is any spaCy pipeline folder; here the same weights saved elsewhere
    recogniser_get().nlp.to_disk(tmp_path / "mine")
    with override_settings(GAZETTE_NER_MODEL=str(tmp_path / "mine")):
        mine = recogniser_get()
        assert mine is not recogniser_get("")
        doc = mine.docs(["Diane Okonjo visited Oslo."])[0]
        assert {e.text for e in doc.ents} >= {"Diane Okonjo", "Oslo"}


def test_a_missing_model_fails_loudly(tmp_path):
    with pytest.raises(NerModelError, match="cannot be loaded"):
        recogniser_get(str(tmp_path / "nothing-here"))
    with pytest.raises(NerModelError, match="cannot be loaded"):
        recogniser_get("no_such_spacy_package")


def test_answers_are_cached_per_article():
    entities.entities_cache_clear()
    first = entities_extract("Oslo", "Ingrid Solbakken spoke in Oslo.")
    assert entities_extract("Oslo", "Ingrid Solbakken spoke in Oslo.") == first
    assert entities._entities.cache_info().hits >= 1
