"""The one tokenizer: article text to comparable words.

words() keeps a word whole across an inner apostrophe or hyphen ("o'brien", "off-duty", "don't") and
drops a possessive "'s", as the clusterer and the AI features each did before they shared it: on ECB+
(bench/clustering.py) splitting at every apostrophe and hyphen instead cost the held-out half 0.028 of
B-cubed F1 in input order. pieces() splits there too, for copy detection, where "per-cent" and
"per cent" are the same text. Both fold case, compatibility forms, quotes, dashes and accents first.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+(?:['-]\w+)*")
_PIECE = re.compile(r"\w+")
# Typographic variants that differ between outlets' copies of one text (str.replace beats str.translate here).
_FOLD = (("’", "'"), ("‘", "'"), ("‛", "'"), ("“", '"'), ("”", '"'), ("„", '"'), ("‐", "-"), ("‑", "-"))


def _unify(text: str) -> str:
    for variant, plain in _FOLD:
        text = text.replace(variant, plain)
    return text


def normalize(text: str) -> str:
    """Fold compatibility forms, case, quotes, hyphens and accents, so cosmetic edits compare equal."""
    if text.isascii():
        return text.lower()
    text = _unify(unicodedata.normalize("NFKC", text)).casefold()
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare)


def words(text: str, *, fold_case: bool = True) -> list[str]:
    """The word tokens of a text, normalised (only quotes unified when fold_case is False)."""
    found = _WORD.findall(normalize(text) if fold_case else _unify(text))
    return [w[:-2] if w[-2:] in ("'s", "'S") else w for w in found]


def pieces(text: str) -> list[str]:
    """The normalised word tokens with apostrophes and hyphens splitting words too."""
    return _PIECE.findall(normalize(text))


def shingles(words: list[str], k: int) -> set[str]:
    """Every run of k consecutive words, space-joined; a text shorter than k words is one shingle."""
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}
