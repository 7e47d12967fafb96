"""Significant words of a headline, for matching articles about the same thing across sources."""

from __future__ import annotations

from gazette.text.stopwords import STOPWORDS
from gazette.text.tokens import words

MAX_KEYWORDS = 12


def headline_keywords(text: str, *, limit: int = MAX_KEYWORDS) -> list[str]:
    """Lower-cased significant words of a headline in their order, without duplicates."""
    seen: dict[str, None] = {}
    for word in words(text):
        if word in STOPWORDS or word in seen:
            continue
        if len(word) < 3 or (word.isdigit() and len(word) < 4):
            continue
        seen[word] = None
        if len(seen) >= limit:
            break
    return list(seen)


def shared_keywords(a: set[str] | list[str], b: set[str] | list[str]) -> int:
    """How many significant words two headlines have in common."""
    return len(set(a) & set(b))
