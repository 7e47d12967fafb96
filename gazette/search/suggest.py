"""'Did you mean …?': a correction for words the index does not know, taken from the index's own terms.

The index holds stems ("voltari" for "Voltaris"), so a misspelt word is compared with stems, and the word a
reader would type is read back from the best article's highlighted title: the index says which word of
the text it matched. Candidates are ordered by difflib's similarity (the standard library's matcher for
exactly this; the vocabulary is narrowed by SQL first, so it compares a few hundred strings, not all).
"""

from __future__ import annotations

import difflib
import re

import Stemmer
from django.db import DatabaseError, connection

from gazette.search.index import FTS_VOCAB_TABLE, PG_WORD_TABLE
from gazette.search.query import query_terms, search_articles

# Words shorter than this are left alone: at three letters every word is one letter from many others.
MIN_WORD = 4
# How like the typed word a term must be (difflib ratio, 0..1) to be offered, and how many are tried.
MIN_SIMILARITY = 0.7
CANDIDATES = 3
# Vocabulary terms compared at most, per word (the most common first on SQLite, where counts are kept).
MAX_SCANNED = 5000
_MARK = re.compile(r"<mark>([^<]+)</mark>")


def search_suggestion(*, q: str) -> str | None:
    """A corrected query that finds articles, when some word of `q` finds none; else None."""
    terms = query_terms(q)
    words = [" ".join(t.words) if len(t.words) == 1 else '"' + " ".join(t.words) + '"' for t in terms]
    options: list[list[str]] = []
    for term, word in zip(terms, words, strict=True):
        checkable = len(term.words) == 1 and not term.prefix and len(word) >= MIN_WORD and not word.isdigit()
        if checkable and not search_articles(q=word, limit=1, count=False)[0]:
            options.append(_word_corrections(word=word.lower()))
            continue
        options.append([word])
    if all(len(o) == 1 and o[0] in words for o in options):
        return None
    # The first combination that finds something, trying each word's candidates in order.
    for choice in _combinations(options):
        suggestion = " ".join(choice)
        if search_articles(q=suggestion, limit=1, count=False, relax=False)[0]:
            return suggestion
    return None


def _combinations(options: list[list[str]]) -> list[list[str]]:
    found: list[list[str]] = [[]]
    for words in options:
        found = [done + [w] for w in words for done in found][: CANDIDATES**2]
    return found


def _word_corrections(*, word: str) -> list[str]:
    """Words of the stored text close to `word`, best first."""
    try:
        stems = _stems_near(word=word)
    except DatabaseError:
        return []
    # Compared as typed and as stemmed: "mealses" is nearer "meal" than "measl", its stem "meals" nearer
    # still; both candidates are kept and the query that finds articles with every word decides.
    typed = [word, _stem(word=word)]
    scored = sorted(
        ((max(difflib.SequenceMatcher(None, t, stem).ratio() for t in typed), stem) for stem in stems),
        reverse=True,
    )
    close = [stem for score, stem in scored[:CANDIDATES] if score >= MIN_SIMILARITY]
    return [surface for stem in close if (surface := _surface_word(stem=stem))]


def _stem(*, word: str) -> str:
    """The stem the index would store: Snowball English on PostgreSQL, the original Porter in FTS5."""
    # A new stemmer each time: PyStemmer's objects are not thread-safe, and this runs only on a miss.
    algorithm = "english" if connection.vendor == "postgresql" else "porter"
    return Stemmer.Stemmer(algorithm).stemWord(word)


def _stems_near(*, word: str) -> list[str]:
    # Terms with the same first letter and a length near the word's: typos rarely change the first
    # letter, and this keeps the scan of the vocabulary to one letter's worth.
    near: list[str | int] = [word[0], chr(ord(word[0]) + 1), len(word) - 3, len(word) + 2]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                f"SELECT word FROM {PG_WORD_TABLE} WHERE word >= %s AND word < %s "  # noqa: S608
                f"AND length(word) BETWEEN %s AND %s LIMIT {MAX_SCANNED}",
                near,
            )
            stems = [row[0] for row in cur.fetchall()]
            # Plus pg_trgm's neighbours (similar trigrams, through the trigram index), which catch a
            # wrong first letter; they miss swapped letters in short words, which the range above finds.
            cur.execute(
                f"SELECT word FROM {PG_WORD_TABLE} WHERE word %% %s ORDER BY similarity(word, %s) DESC LIMIT 50",  # noqa: S608
                [word, word],
            )
        else:
            cur.execute(
                f"SELECT term FROM {FTS_VOCAB_TABLE} WHERE term >= %s AND term < %s "  # noqa: S608
                f"AND length(term) BETWEEN %s AND %s ORDER BY doc DESC LIMIT {MAX_SCANNED}",
                near,
            )
            stems = []
        return stems + [row[0] for row in cur.fetchall()]


def _surface_word(*, stem: str) -> str | None:
    """The word of the text the index stores as `stem`, as the best match highlights it."""
    for hit in search_articles(q=stem, limit=1, count=False)[0]:
        for text in (hit.title, hit.snippet):
            if marked := _MARK.search(text):
                return marked.group(1).lower()
    return None
