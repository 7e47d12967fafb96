"""Article features for story clustering: weighted words, names and numbers, one sparse vector per space.

Pure functions over an article's title and text; the clusterer applies IDF when it compares them.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING

from gazette.stories.mentions import names_count, quantities_extract
from gazette.text.stems import stem
from gazette.text.stopwords import STOPWORDS
from gazette.text.tokens import words as tokens

if TYPE_CHECKING:
    from gazette.stories.clustering import ClusterDoc, ClusterOptions


def _content_words(text: str) -> list[str]:
    # Numbers have a space of their own; two-letter words are mostly abbreviations that collide.
    return [w for w in tokens(text) if len(w) > 2 and w not in STOPWORDS and not any(c.isdigit() for c in w)]


def _sublinear(counts: Counter[str]) -> dict[str, float]:
    return {t: 1.0 + math.log(c) for t, c in counts.items() if c > 0}


def _unit(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


def features_build(doc: ClusterDoc, options: ClusterOptions) -> dict[str, dict[str, float]]:
    """The article's unit-length term-frequency vectors per space (IDF is applied when comparing)."""
    words: Counter[str] = Counter()
    for token in _content_words(doc.text):
        words[stem(token)] += 1
    for token in _content_words(doc.title):
        words[stem(token)] += int(options.title_weight)
    names: Counter[str] = Counter()
    for phrase, count in names_count(doc.title, doc.text):
        name = phrase.lower()
        names[name] += count
        parts = name.split()
        if len(parts) > 1:
            # "Betty Ford" and "Betty Ford Center" share evidence through their words.
            for part in parts:
                if len(part) > 2 and part not in STOPWORDS:
                    names["~" + part] += count
    quantities: Counter[str] = Counter()
    for mention in quantities_extract(doc.title, doc.text):
        if mention.kind == "number" and len(mention.name) == 1:
            continue  # "3 people", "1 of": single digits say little about which event
        quantities[mention.name] += mention.count
    return {
        "text": _unit(_sublinear(words)),
        "entity": _unit(_sublinear(names)),
        "quantity": _unit(_sublinear(quantities)),
    }
