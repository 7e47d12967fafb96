"""Text normalisation shared by the story stages: one way to turn article text into comparable words."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+")
# Typographic variants that differ between outlets' copies of one text (str.replace beats str.translate here).
_FOLD = (("’", "'"), ("‘", "'"), ("‛", "'"), ("“", '"'), ("”", '"'), ("„", '"'), ("‐", "-"), ("‑", "-"))


def normalize(text: str) -> str:
    """Compatibility-fold, lower-case and unify quotes and hyphens, so cosmetic edits compare equal."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text)
    for variant, plain in _FOLD:
        text = text.replace(variant, plain)
    return text.casefold()


def words(text: str) -> list[str]:
    """The normalised word tokens of a text; punctuation and whitespace are dropped."""
    return _WORD.findall(normalize(text))


def shingles(words: list[str], k: int) -> set[str]:
    """Every run of k consecutive words, space-joined; a text shorter than k words is one shingle."""
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}
