"""Article features for story clustering: weighted words, names and numbers, one sparse vector per space.

Pure functions over an article's title and text; the clusterer applies IDF when it compares them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache
from typing import TYPE_CHECKING

from gazette.stories.mentions import names_count, quantities_extract

if TYPE_CHECKING:
    from gazette.stories.clustering import ClusterDoc, ClusterOptions

_WORD = re.compile(r"[a-z][a-z'’-]*[a-z]|[a-z]")
_STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "said",
        "says",
        "say",
        "told",
        "according",
        "also",
        "one",
        "two",
        "three",
        "new",
        "year",
        "years",
        "time",
        "would",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "us",
        "mr",
        "mrs",
        "ms",
        "get",
        "got",
        "like",
        "just",
        "still",
        "last",
        "first",
        "week",
        "day",
        "days",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
        "yesterday",
        "tomorrow",
        "people",
    ]
)


@lru_cache(maxsize=262_144)
def _stem(word: str) -> str:
    """A light suffix-stripper: folds plurals and -ing/-ed forms, nothing clever."""
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4:
        if word.endswith("ies"):
            return word[:-3] + "y"
        if word.endswith("sses"):
            return word[:-2]
        if word.endswith("ing") and len(word) > 6:
            return word[:-3]
        if word.endswith("ed") and len(word) > 5:
            return word[:-2]
        if word.endswith("s") and not word.endswith(("ss", "us", "is")):
            return word[:-1]
    return word


def _sublinear(counts: Counter[str]) -> dict[str, float]:
    return {t: 1.0 + math.log(c) for t, c in counts.items() if c > 0}


def _unit(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


def features_build(doc: ClusterDoc, options: ClusterOptions) -> dict[str, dict[str, float]]:
    """The article's unit-length term-frequency vectors per space (IDF is applied when comparing)."""
    words: Counter[str] = Counter()
    for token in _WORD.findall(doc.text.lower()):
        if len(token) > 2 and token not in _STOPWORDS:
            words[_stem(token)] += 1
    for token in _WORD.findall(doc.title.lower()):
        if len(token) > 2 and token not in _STOPWORDS:
            words[_stem(token)] += int(options.title_weight)
    names: Counter[str] = Counter()
    for phrase, count in names_count(doc.title, doc.text):
        name = phrase.lower()
        names[name] += count
        parts = name.split()
        if len(parts) > 1:
            # "Betty Ford" and "Betty Ford Center" share evidence through their words.
            for part in parts:
                if len(part) > 2 and part not in _STOPWORDS:
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
