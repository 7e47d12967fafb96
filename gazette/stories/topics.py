"""Topics from a fixed taxonomy, by a transparent keyword lexicon.

There is no labelled training data here, so no classifier is learnt: each topic has a hand-written
list of telling words and phrases, each with a weight (2 = nearly decisive, 1 = suggestive). A title
match counts double and repeated body matches saturate, so one long article cannot swamp the score.
Scores are shares of the matched evidence (they add up to 1 over the topics returned), so they read as
"how much of the evidence points here", not as a calibrated probability. World is the fallback for
international news: foreign-affairs words, or a country named with nothing else matching.
Misses are expected on unusual vocabulary; fix them by adding words to gazette/text/data/topics.json,
where they can be reviewed. Countries are gazette/text/places.py's, less the home countries the file names.
"""

from __future__ import annotations

import math

from gazette.text.lexicons import lexicon
from gazette.text.places import country_lookup, country_names, subdivision_names
from gazette.text.tokens import words

_DATA = lexicon("topics")
TOPICS: tuple[str, ...] = tuple(topic["name"] for topic in _DATA["topics"])
_LEXICON: dict[str, dict[str, float]] = {topic["name"]: topic["words"] for topic in _DATA["topics"]}

# Foreign-news cue: a country named in the article, other than the home countries and a country that
# shares its name with a place at home ("Georgia").
_HOME = frozenset(_DATA["home_countries"])
_HOME_PLACES = frozenset().union(*(subdivision_names(code) for code in _HOME))
_COUNTRIES: dict[tuple[str, ...], str] = {
    tuple(name.split()): country.code
    for name in country_names() - _HOME_PLACES
    if (country := country_lookup(name)) is not None and country.code not in _HOME
}
_COUNTRY_STARTS: dict[str, list[tuple[str, ...]]] = {}
for _name in _COUNTRIES:
    _COUNTRY_STARTS.setdefault(_name[0], []).append(_name)


def _compile(weights: dict[str, float]) -> tuple[dict[str, float], dict[tuple[str, ...], float]]:
    singles = {w: v for w, v in weights.items() if " " not in w}
    phrases = {tuple(w.split()): v for w, v in weights.items() if " " in w}
    return singles, phrases


_COMPILED = {topic: _compile(weights) for topic, weights in _LEXICON.items()}
_MIN_SHARE = 0.15  # a topic needs this share of the evidence to be returned
_MIN_EVIDENCE = 2.0  # below this total there is too little to go on: World if a country is named


def _evidence(
    tokens: list[str], singles: dict[str, float], phrases: dict[tuple[str, ...], float]
) -> dict[str, int]:
    hits: dict[str, int] = {}
    for i, token in enumerate(tokens):
        if token in singles:
            hits[token] = hits.get(token, 0) + 1
        for phrase in phrases:
            if token == phrase[0] and tuple(tokens[i : i + len(phrase)]) == phrase:
                key = " ".join(phrase)
                hits[key] = hits.get(key, 0) + 1
    return hits


def _countries_named(tokens: list[str]) -> set[str]:
    named = set()
    for i, token in enumerate(tokens):
        for name in _COUNTRY_STARTS.get(token, ()):
            if tuple(tokens[i : i + len(name)]) == name:
                named.add(_COUNTRIES[name])
    return named


def topics_classify(title: str, text: str) -> list[tuple[str, float]]:
    """Topics with their share of the evidence, best first; World when nothing else is clear."""
    title_tokens = words(title)
    body_tokens = words(text)
    raw: dict[str, float] = {}
    for topic, (singles, phrases) in _COMPILED.items():
        title_hits = _evidence(title_tokens, singles, phrases)
        body_hits = _evidence(body_tokens, singles, phrases)
        score = 0.0
        for word in set(title_hits) | set(body_hits):
            weight = _LEXICON[topic][word]
            # Title mentions count double; repeats saturate (1 + log n).
            count = 2 * title_hits.get(word, 0) + body_hits.get(word, 0)
            score += weight * (1.0 + math.log(count))
        if score:
            raw[topic] = score
    countries = len(_countries_named(title_tokens) | _countries_named(body_tokens))
    if countries:
        raw["World"] = raw.get("World", 0.0) + 1.0 * min(countries, 3)
    total = sum(raw.values())
    if total < _MIN_EVIDENCE:
        return [("World", 1.0)] if countries else []
    ranked = sorted(((t, s / total) for t, s in raw.items()), key=lambda pair: pair[1], reverse=True)
    kept = [(t, round(s, 3)) for t, s in ranked if s >= _MIN_SHARE] or [ranked[0]]
    return kept
