"""Significant words of a headline, for matching articles about the same thing across sources."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.UNICODE)

# Short English list: enough to stop "the", "says" and friends from making unrelated headlines look alike.
STOPWORDS = frozenset(
    """
    a about after again against all also an and any are as at be because been before being between both but
    by can could did do does doing down during each few for from further had has have having he her here
    hers him his how i if in into is it its just me more most my new no nor not now of off on once only or
    other our out over own same says said she should so some such than that the their them then there these
    they this those through to too under until up very was we were what when where which while who whom why
    will with would you your after amid over year years week day days first last report reports news live
    update updates latest says amid how why what
    """.split()  # noqa: SIM905 - a word list reads better as text
)

MAX_KEYWORDS = 12


def headline_keywords(text: str, *, limit: int = MAX_KEYWORDS) -> list[str]:
    """Lower-cased significant words of a headline in their order, without duplicates."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
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
