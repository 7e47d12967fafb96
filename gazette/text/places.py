"""Countries and other well-known places, for telling a place's name from an ordinary word.

Countries are pycountry's (ISO 3166-1: every country's name, common name and official name, with the
qualifier after a comma or in brackets dropped: "Korea, Republic of" is also "Korea"), plus the short
names news uses that ISO does not ("Russia", "Burma"; data/places.json). Subdivisions are ISO 3166-2's,
but only the kinds the data file names (US states, the UK's nations): all 5,000 would make "Centre" and
"North" places. Names are compared as the tokenizer's words, so "Côte d'Ivoire" matches however typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pycountry

from gazette.text.lexicons import lexicon
from gazette.text.tokens import words

_QUALIFIER = re.compile(r"\s*\(.*?\)|\s*\[.*?\]")


@dataclass(frozen=True)
class Country:
    """A country by its ISO 3166-1 alpha-2 code and its short English name."""

    code: str
    name: str


def _key(name: str) -> str:
    return " ".join(words(name))


def _names(full: str) -> set[str]:
    bare = _QUALIFIER.sub("", full)
    return {_key(n) for n in (full, bare, bare.split(",")[0], bare.split(";")[0])} - {""}


@cache
def _countries() -> dict[str, Country]:
    found: dict[str, Country] = {}
    for record in pycountry.countries:
        country = Country(record.alpha_2, getattr(record, "common_name", None) or record.name)
        for attr in ("common_name", "name", "official_name"):
            for name in _names(getattr(record, attr, None) or ""):
                found.setdefault(name, country)  # the first country to claim a short name keeps it
    codes = {c.code: c for c in found.values()}
    for alias, code in lexicon("places")["country_aliases"].items():
        found[_key(alias)] = codes[code]
    return found


@cache
def _places() -> frozenset[str]:
    data = lexicon("places")
    names = set(_countries()) | {_key(n) for n in data["other_places"]}
    for code, kinds in data["subdivision_types"].items():
        for sub in pycountry.subdivisions.get(country_code=code) or ():
            if sub.type in kinds:
                names |= _names(sub.name)
    return frozenset(names)


def country_lookup(name: str) -> Country | None:
    """The country a name means ("France", "South Korea", "Burma"), or None."""
    return _countries().get(_key(name))


def country_names() -> frozenset[str]:
    """Every name of a country, as space-joined tokenizer words ("united states", "korea")."""
    return frozenset(_countries())


def subdivision_names(code: str) -> frozenset[str]:
    """The names of every ISO 3166-2 subdivision of a country (by alpha-2 code), as tokenizer words."""
    return frozenset(
        n for sub in pycountry.subdivisions.get(country_code=code) or () for n in _names(sub.name)
    )


def is_place(name: str) -> bool:
    """True for a country, a listed kind of subdivision ("Texas", "Scotland") or a well-known place."""
    return _key(name) in _places()
