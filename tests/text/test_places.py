"""Countries from pycountry with the short names news uses, and other places."""

from __future__ import annotations

from gazette.text.places import Country, country_lookup, country_names, is_place, subdivision_names


def test_countries_by_iso_name_common_name_and_short_name():
    assert country_lookup("France") == Country("FR", "France")
    assert country_lookup("South Korea") == country_lookup("Korea, Republic of") == country_lookup("korea")
    assert country_lookup("Bolivia").code == "BO"  # ISO: "Bolivia, Plurinational State of"


def test_names_news_uses_that_iso_does_not():
    assert country_lookup("Burma").code == "MM"
    assert country_lookup("Russia").code == "RU"
    assert country_lookup("Britain").code == "GB"


def test_names_compare_as_words_whatever_the_accents_or_quotes():
    assert country_lookup("Côte d’Ivoire") == country_lookup("cote d'ivoire") == country_lookup("Ivory Coast")


def test_unknown_names():
    assert country_lookup("Narnia") is None
    assert country_lookup("") is None


def test_country_names_are_tokenizer_words():
    names = country_names()
    assert {"united states", "new zealand", "france"} <= names
    assert len(names) > 249  # every ISO country at least once


def test_places_are_countries_listed_subdivisions_and_well_known_places():
    assert all(is_place(n) for n in ("Chile", "Texas", "Scotland", "Northern Ireland", "London", "Gaza"))
    # Regions of other countries are not listed: "Centre" is a French region and an ordinary word.
    assert not is_place("Centre")
    assert not is_place("Tuesday")


def test_subdivision_names():
    assert "georgia" in subdivision_names("US")
    assert "texas" in subdivision_names("US")
    assert subdivision_names("ZZ") == frozenset()
