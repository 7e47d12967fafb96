"""Capitalised name phrases and the numbers and dates an article mentions: the clusterer's evidence.

These are not the site's entities (stories/entities.py finds those with spaCy): they are cheap
capitalised-word features the clusterer's thresholds were tuned on. Measured with bench/clustering.py,
giving the clusterer spaCy's entities instead cost B-cubed F1 on ECB+ dev (0.958 -> 0.900 in file order)
and made the run 36 times slower (12 s -> 437 s for the same orders), so the story stage keeps these.
Capitalised phrases lose the usual false friends (sentence-initial words, title-case headlines, weekdays
and months, leading titles) and surname-only mentions fold into the full name.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from gazette.stories.entities import Mention
from gazette.text.lexicons import lexicon
from gazette.text.places import is_place
from gazette.text.stopwords import STOPWORDS
from gazette.text.tokens import words

_CAP = (
    r"(?:(?:Mc[A-Z][a-z]+|[A-Z][a-z]*[A-Z][a-zA-Z]+|[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*|[A-Z]{2,6}s?)(?![\w])"
    r"|[A-Z]\.(?:[A-Z]\.)+)"
)
_POSSESSIVE = re.compile(r"['’]s$")
_SENTENCE_END = re.compile(r"[.!?:;\"“”'‘’(\[\n]\s*$|^\s*$")

_WORDS = lexicon("mention_words")
_CONNECTORS = frozenset(_WORDS["connectors"])
_JOIN = rf"(?:\s+(?:{'|'.join(map(re.escape, _WORDS['connectors']))})){{0,2}}"
_PHRASE = re.compile(rf"{_CAP}(?:{_JOIN}\s+{_CAP})*")
# Capitalised only because they start a sentence or a headline; never an entity on their own.
_STOP = (STOPWORDS - frozenset(_WORDS["in_names"])) | frozenset(_WORDS["not_names"])
_TITLES = frozenset(_WORDS["titles"])
# Weekday and month names are taken out of names: dates are counted on their own.
_WEEKDAYS = tuple(lexicon("calendar")["weekdays"])
_MONTHS = tuple(lexicon("calendar")["months"])
_MONTH_ABBR = {m[:3]: m.capitalize() for m in _MONTHS} | {"sept": "September"}
_CALENDAR = frozenset(_WEEKDAYS + _MONTHS) | set(_MONTH_ABBR) - {"may", "mar"}

_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w])")
_DATE = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b"
    r"|\b(\d{1,2})(?:st|nd|rd|th)?\s+(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\b"
)


def _is_title_case(title: str) -> bool:
    words = [w for w in title.split() if len(w) > 3 and w[0].isalpha()]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words)


def _phrases(text: str, lowercase_words: set[str]) -> list[tuple[str, bool]]:
    """Capitalised phrases as (phrase, lone_initial) after trimming function words and titles."""
    found: list[tuple[str, bool]] = []
    for match in _PHRASE.finditer(text):
        tokens = match.group(0).split()
        before = text[max(0, match.start() - 24) : match.start()]
        initial = bool(_SENTENCE_END.search(before))
        # Trim leading function words and titles ("The", "After", "President").
        while tokens and (tokens[0].lower().rstrip(".") in _STOP or tokens[0].lower().rstrip(".") in _TITLES):
            tokens.pop(0)
            initial = False
        while tokens and tokens[-1].lower() in _STOP:
            tokens.pop()
        # Drop weekday and month names (dates are counted separately) and dangling connectors.
        tokens = [t for t in tokens if t.lower().rstrip(".") not in _CALENDAR]
        while tokens and tokens[-1] in _CONNECTORS:
            tokens.pop()
        while tokens and tokens[0] in _CONNECTORS:
            tokens.pop(0)
        if not tokens:
            continue
        tokens[-1] = _POSSESSIVE.sub("", tokens[-1])
        if len(tokens) == 1 and (
            tokens[0].lower() in _STOP or tokens[0].lower() in lowercase_words and initial
        ):
            continue  # "It's", or an ordinary word that only starts a sentence
        name = " ".join(tokens)
        if len(name) < 2:
            continue
        found.append((name, initial and len(tokens) == 1))
    return found


def names_count(title: str, text: str) -> list[tuple[str, int]]:
    """Capitalised name phrases with how often they are mentioned, most mentioned first."""
    return list(_names(title, text))


@lru_cache(maxsize=64)
def _names(title: str, text: str) -> tuple[tuple[str, int], ...]:
    # The live engine asks for an article's names more than once while placing it: keep the last few.
    lowercase_words = {w for w in words(f"{title}\n{text}", fold_case=False) if w.islower()}
    found = _phrases(text, lowercase_words)
    if _is_title_case(title):
        # A Title Case Headline capitalises every word: keep only phrases the body also names.
        found += [p for p in _phrases(title, lowercase_words) if p[0] in text]
    else:
        found += _phrases(title, lowercase_words)

    counts: Counter[str] = Counter()
    lone_initial: Counter[str] = Counter()
    for name, initial in found:
        counts[name] += 1
        lone_initial[name] += initial

    # Fold "Lohan" into "Lindsay Lohan" (and "Ford" into "Betty Ford") when one full name claims it.
    claims: dict[str, set[str]] = {}
    for name in counts:
        tokens = name.split()
        if len(tokens) > 1:
            claims.setdefault(tokens[-1], set()).add(name)
            claims.setdefault(tokens[0], set()).add(name)
    for name in list(counts):
        owners = claims.get(name)
        if owners and len(owners) == 1 and " " not in name:
            full = next(iter(owners))
            counts[full] += counts.pop(name)
        elif lone_initial[name] == counts[name] and not is_place(name):
            # Seen only at the start of sentences and never mid-sentence: most likely an ordinary word.
            del counts[name]
    return tuple(counts.most_common())


def quantities_extract(title: str, text: str) -> list[Mention]:
    """Numbers (kind "number"), years ("year") and day-month dates ("date"), most mentioned first."""
    counts: Counter[tuple[str, str]] = Counter()
    for body in (title, text):
        for match in _DATE.finditer(body):
            month = (match.group(1) or match.group(4)).lower()
            day = int(match.group(2) or match.group(3))
            if 1 <= day <= 31:
                counts[(f"{_MONTH_ABBR[month[:4] if month[:4] == 'sept' else month[:3]]} {day}", "date")] += 1
        for match in _NUMBER.finditer(body):
            whole = match.group(1).replace(",", "").lstrip("0") or "0"
            value = whole + (f".{match.group(2)}" if match.group(2) else "")
            if len(whole) == 4 and not match.group(2) and 1800 <= int(whole) <= 2100:
                counts[(value, "year")] += 1
            else:
                counts[(value, "number")] += 1
    return [Mention(name, kind, count) for (name, kind), count in counts.most_common()]
