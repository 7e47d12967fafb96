"""Stems and terms: the Snowball English stemmer (PyStemmer) over the one tokenizer and stopword list.

PyStemmer wraps the Snowball project's C stemmers; its Stemmer objects keep per-call buffers and are
not safe to share between threads, so each thread gets its own, behind one shared cache of results.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import Stemmer

from gazette.text.stopwords import STOPWORDS
from gazette.text.tokens import words

_LOCAL = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    stemmer = getattr(_LOCAL, "stemmer", None)
    if stemmer is None:
        stemmer = _LOCAL.stemmer = Stemmer.Stemmer("english", 0)  # 0: no cache of its own, ours is shared
    return stemmer


@lru_cache(maxsize=262_144)
def stem(word: str) -> str:
    """The Snowball English stem of a lower-case word ("killed", "kills", "killing" -> "kill")."""
    return _stemmer().stemWord(word)


def terms(text: str) -> list[str]:
    """Stemmed content words of the text, in order: stopwords and single letters dropped."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and not (len(w) == 1 and w.isalpha())]
