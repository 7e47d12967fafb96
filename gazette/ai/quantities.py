"""quantities_extract: the figures a text states, with what each one counts and how it is qualified.

A figure is a number with its unit (a currency, a percentage, or the noun it counts: "12,000 residents"),
its value with the scale applied ("$1.2 billion" is 1.2e9), the words of its clause (what it is a figure
of), the names in its sentence (whose figure it is), and the marks that make it no claim to compare:
  - a bound ("at least 4", "more than 200", "up to 300") or an approximation ("about 12,000");
  - a change or a range ("to 4.35 percent from 4.1", "from 20 to 25", "between 5 and 7", "up 3 percent");
  - a part of a larger figure ("38,000 of them", "including 12 children", "a further 40");
  - another time ("last year", "previously", "in 2019");
  - an attribute rather than a count ("a 240-seat assembly", "a city of 180,000 people").
Pure and written by hand: the digest compares these records, and a reader can check every one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gazette.ai.sentences import sentences_split
from gazette.text.lexicons import lexicon
from gazette.text.stems import stem, terms

_WORDS = lexicon("quantity_words")
_CALENDAR = lexicon("calendar")
_SCALES: dict[str, float] = _WORDS["scales"]
_NUMBER_WORDS: dict[str, int] = _WORDS["number_words"]
_CURRENCY_WORDS: dict[str, str] = _WORDS["currency_words"]

_QUANTITY = re.compile(
    r"(?<![\w.,$€£¥-])"
    r"(?P<currency>US\$|A\$|C\$|[$€£¥])?\s?"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")(?![\w,.]\d)"
    r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|m)\b)?"
    r"(?P<hyphen>-)?"
    r"(?:\s?(?P<percent>%|percent\b|per cent\b|percentage points?\b))?"
    r"(?:(?:(?<=-)|\s+)(?P<unit>[A-Za-z][A-Za-z-]{1,}))?",
    re.IGNORECASE,
)
# Words after a number that name no quantity ("in 2024 when", "on 12 March", "7 to 3").
_NOT_UNITS = frozenset(_WORDS["not_units"])
# A word between the number and its noun that qualifies it; the next word is the unit.
_ADJECTIVES = frozenset(_WORDS["adjectives"])
# A word between the number and its noun that makes the figure a part of another: "40 more people".
_PART_ADJECTIVES = frozenset(_WORDS["part_adjectives"])

_LOWER_BOUND = re.compile(
    r"\b(?:at least|more than|over|upwards of|in excess of|as many as|no fewer than)\s*$", re.IGNORECASE
)
_UPPER_BOUND = re.compile(
    r"\b(?:up to|fewer than|less than|under|as few as|no more than|within)\s*$", re.IGNORECASE
)
_APPROXIMATE = re.compile(
    r"\b(?:about|around|roughly|some|approximately|an estimated|estimated|close to|circa|nearly|almost|just under|"
    r"just over|an? average of)\s*$",
    re.IGNORECASE,
)
# A change or a range: the figure is one end of it, not a claim on its own.
_CHANGE_BEFORE = re.compile(
    r"(?:\bfrom|\bbetween|\bby|\bup|\bdown|\bof between|\d\s*(?:to|and|-|–|or))\s*[$€£¥]?\s*$", re.IGNORECASE
)
_CHANGE_AFTER = re.compile(
    r"^\s*(?:to|and|-|–|or)\s*[$€£¥]?\s*\d|^\s*(?:from|higher|lower|up|down|more|less)\b", re.IGNORECASE
)
_CHANGE_WORDS = frozenset(stem(w) for w in _WORDS["change_words"])
# The figure is a part of a larger one, or an attribute of a thing rather than a count.
_PART_BEFORE = re.compile(
    r"\b(?:including|includ\w*|among them|among|a further|another|of whom|of which|of those|of them|"
    r"city of|town of|village of|population of|home to|country of|nation of|out of|aged|"
    r"\d+\s+of(?:\s+the)?|of (?:his|her|their|its|the)|first|last|next|top|final|opening)\s*$",
    re.IGNORECASE,
)
_BOUND_WORDS = re.compile(
    r"\b(?:about|around|roughly|some|approximately|nearly|almost|more than|over|at least|up to|an estimated)\s*$",
    re.IGNORECASE,
)
_PART_AFTER = re.compile(
    r"^\s*(?:of them|of whom|of which|of those|of the|out of|were among|among|in cash|in stock|in shares)\b"
)
_OTHER_TIME = re.compile(
    r"\b(?:last (?:year|month|week|season|time)|a year (?:earlier|ago|before)|previous\w*|earlier|former|"
    r"prior|since|record|average|typical|once|originally|initially|at first|expected to|forecast|"
    r"projected|target|would|could|might|plans? to|by (?:the )?end|next|until|(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[,;:()—–]|\s(?:and|but|while|whereas|which|who|after|before|when|as)\s")
_NAME = re.compile(r"(?<=[\s(\"“‘])[A-Z][\w’'-]*[a-z][\w’'-]*")
# A run of names right before the figure, not followed by a reporting verb: whose figure it is.
_SUBJECT = re.compile(
    r"((?:[A-Z][\w’'-]*[a-z][\w’'-]*\s+)*[A-Z][\w’'-]*[a-z][\w’'-]*)(?:’s|'s)?"
    r"\s+(?!said|says|told|reported|added)(?:[a-z]+\s+){0,3}$"
)
_NOT_NAMES = frozenset(w.capitalize() for w in _CALENDAR["weekdays"] + _CALENDAR["months"])
_DATE = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}\b|\b\d{1,2}\s+(?:January|February|March|"
    r"April|May|June|July|August|September|October|November|December)\b"
)
_MEASURE = re.compile(
    r"^\s*(?:long|wide|high|tall|deep|thick|across|away|from|in (?:diameter|length|height))\b"
)
_DAYS = frozenset(_WORDS["days"])
_TIME_UNITS = frozenset(stem(w) for w in _WORDS["time_units"])
# "300 tonnes of cargo a night": a rate, another quantity than a total in the same unit.
_RATE = re.compile(
    r"^\s*(?:[a-z]+\s+){0,2}(?:a|an|per|each|every)\s+(day|night|week|month|year|hour|minute|carry|game|head|person)\b"
)
# Words that stand for a name already given: a figure they own is not resolved.
_NOT_SUBJECTS = frozenset(_WORDS["not_subjects"])
_PRONOUN = re.compile(r"\b(?:he|she|it|they|him|his|her|them|this|that one)\b", re.IGNORECASE)
# Words that say who reports a figure, not what it is of.
_REPORTING = frozenset(stem(w) for w in _WORDS["reporting"])


@dataclass(frozen=True)
class Quantity:
    value: float  # with the scale applied
    shown: str  # as a reader would quote it: "$210 million", "4.35%", "12,000"
    unit: str  # "$", "%", or the counted noun's stem
    noun: str  # the counted noun as written ("residents"), or the currency or "percent"
    sentence: str
    phrase: str  # the figure with its unit, verbatim: "12,000 residents"
    frame: frozenset[str]  # content words of the figure's clause: what it is a figure of
    names: frozenset[str]  # names in the sentence: whose figure it is
    subject: frozenset[str]  # the names just before the figure in its clause ("Civic Renewal's 97 seats")
    days: frozenset[str]  # the days its sentence names: figures of different days are not compared
    places: frozenset[str]  # the names in its clause ("10 houses were damaged in Takengon")
    predicate: frozenset[
        str
    ]  # content words next to the figure: what happened to it ("38 buildings had collapsed")
    bound: str  # "exact", "approx", "min" or "max"
    step: float  # the rounding the figure is written with
    claim: bool  # False for changes, ranges, parts, other times and attributes: never compared

    def contradicts(self, other: Quantity, *, tolerance: float) -> bool:
        """True when the two values cannot both be right, given bounds and rounding."""
        low, high = sorted((self.value, other.value))
        if low == high:
            return False
        for q, r in ((self, other), (other, self)):
            if q.bound == "min" and r.value >= q.value:
                return False
            if q.bound == "max" and r.value <= q.value:
                return False
            if q.bound == "approx" and abs(r.value - q.value) <= tolerance * q.value:
                return False
            if round(r.value / q.step) * q.step == q.value:
                return False  # q is r rounded: "2.4 million" and 2,438,000
        return True


def _step(match: re.Match[str]) -> float:
    """How finely the figure is written: "2.5 million" to 100,000, "12,000" to 1,000, "42" to 1."""
    raw = match.group("number").lower().replace(",", "")
    scale = _SCALES[match.group("scale").lower()] if match.group("scale") else 1.0
    if raw in _NUMBER_WORDS:
        return 1.0
    if "." in raw:
        return scale * 10 ** -len(raw.split(".", 1)[1])
    zeros = len(raw) - len(raw.rstrip("0"))
    # "40" is a count, "12,000" a round figure: only three zeros or more say the writer rounded.
    return scale * 10**zeros if zeros >= 3 or scale > 1 else scale


def _value(match: re.Match[str]) -> float:
    raw = match.group("number").lower()
    number = float(_NUMBER_WORDS[raw]) if raw in _NUMBER_WORDS else float(raw.replace(",", ""))
    scale = match.group("scale")
    if scale:
        number *= _SCALES[scale.lower()]
    return number


def _clause(sentence: str, start: int, end: int) -> tuple[int, int]:
    """Where the clause around [start, end) begins and ends: the clause breaks on either side."""
    left = 0
    for brk in _CLAUSE_BREAK.finditer(sentence, 0, start):
        left = brk.end()
    following = _CLAUSE_BREAK.search(sentence, end)
    return left, following.start() if following else len(sentence)


def quantities_extract(text: str) -> list[Quantity]:
    """Every figure of the text that has a unit, in order."""
    found = []
    for sentence in sentences_split(text):
        names = frozenset(_name(n) for n in _NAME.findall(sentence)) - _NOT_NAMES
        for match in _QUANTITY.finditer(sentence):
            quantity = _quantity(sentence, match, names)
            if quantity is not None:
                found.append(quantity)
    return found


def _quantity(sentence: str, match: re.Match[str], names: frozenset[str]) -> Quantity | None:
    raw = match.group("number")
    currency, scale, percent = match.group("currency"), match.group("scale"), match.group("percent")
    word = (match.group("unit") or "").lower()
    end = match.end()
    part = False
    follow = re.match(r"\s+([a-z][a-z-]+)", sentence[end:])
    # "258 receiving yards", "40 more people": the word after the qualifier is what is counted.
    if (
        word in _PART_ADJECTIVES
        or word in _ADJECTIVES
        or (word.endswith("ing") and follow and follow.group(1) not in _NOT_UNITS)
    ):
        part = word in _PART_ADJECTIVES
        word = follow.group(1).lower() if follow else ""
        end += follow.end() if follow else 0
    if raw.isalpha() and (currency or scale or percent or not word):
        return None  # "one million" is not ours to parse; a bare number word counts nothing
    if currency or word in _CURRENCY_WORDS:
        unit, noun = currency or _CURRENCY_WORDS[word], currency or word
        if currency and word not in _CURRENCY_WORDS:
            end = match.start("unit") if match.group("unit") else end
    elif percent:
        unit, noun = "%", "percent"
        end = match.start("unit") if match.group("unit") else end
    elif word and word not in _NOT_UNITS and not word[0].isdigit():
        unit, noun = stem(word), word
    else:
        return None
    if not currency and not scale and not percent and re.fullmatch(r"(?:19|20)\d\d", raw):
        return None  # a year
    value = _value(match)
    before = sentence[: match.start()]
    after = sentence[end:]
    if re.search(r"\d[.,:]\s?$", before):
        return None  # the tail of "8. 7", "4, 183" or a clock's "7:42"
    if unit in _TIME_UNITS:
        return None  # "30 days", "19 seasons": durations and times relative to something, rarely one claim
    bound = "exact"
    if _LOWER_BOUND.search(before):
        bound = "min"
    elif _UPPER_BOUND.search(before):
        bound = "max"
    elif _APPROXIMATE.search(before) or re.match(r"^\s*or so\b", after):
        bound = "approx"
    clause_start, clause_end = _clause(sentence, match.start(), end)
    clause = sentence[clause_start:clause_end]
    clause_terms = terms(clause)
    clause_names = frozenset(n for n in names if re.search(rf"\b{re.escape(n)}\b", clause)) - _NOT_SUBJECTS
    # "a 240-seat assembly", "a runway 2,100 metres long", "17 miles from Tel Aviv": a measure of a thing.
    attribute = (bool(match.group("hyphen")) and not percent) or bool(_MEASURE.match(after))
    change = (
        bool(_CHANGE_BEFORE.search(before))
        or bool(_CHANGE_AFTER.match(after))
        or bool(_CHANGE_WORDS & set(clause_terms))
    )
    unbounded = _BOUND_WORDS.sub("", before)  # "a city of about 180,000": the bound is not the point here
    part = part or bool(_PART_BEFORE.search(unbounded)) or bool(_PART_AFTER.match(after))
    # Another time anywhere in the sentence ("Since Week 11, he has …", "the 2004 tsunami killed …").
    other_time = bool(_OTHER_TIME.search(sentence.replace(match.group(0), " ")) or _DATE.search(sentence))
    number_terms = set(terms(raw)) | set(terms(match.group(0)))
    frame = frozenset(t for t in clause_terms if t not in number_terms and t != unit and t not in _REPORTING)
    frame = frozenset(t for t in frame if not t[0].isdigit())
    lead = sentence[clause_start : match.start()]
    subject_match = _SUBJECT.search(lead)
    # The sentence's first word is capitalised anyway: a name only when another capital follows.
    if (
        subject_match
        and clause_start == 0
        and subject_match.start() == 0
        and " " not in subject_match.group(1)
    ):
        subject_match = None
    subject = (
        frozenset(map(_name, subject_match.group(1).split())) - _NOT_NAMES - _NOT_SUBJECTS
        if subject_match
        else frozenset()
    )
    rate = _RATE.match(after)
    if rate:
        unit = f"{unit}/{rate.group(1)}"
    # A figure whose owner is a pronoun ("He has 53 catches", "It is worth £8 million") is unresolved.
    prefix = sentence[: match.start()]
    unresolved = not subject and bool(_PRONOUN.search(prefix)) and not _NAME.search(prefix)
    name_terms = {t for n in names for t in terms(n)}
    near = [t for t in terms(lead)[-2:] + terms(after.split(",")[0])[:2]]
    predicate = frozenset(t for t in near if t in frame and t not in name_terms)
    shown = _shown(match)
    return Quantity(
        value=value,
        shown=shown,
        unit=unit,
        noun=noun,
        sentence=sentence,
        phrase=sentence[match.start() : end].strip(),
        frame=frame,
        names=frozenset(n for n in names if n not in sentence[match.start() : end]),
        subject=subject,
        places=clause_names,
        days=frozenset(w for w in re.findall(r"[a-z]+", sentence.lower()) if w in _DAYS),
        predicate=predicate,
        bound=bound,
        step=_step(match),
        claim=not (attribute or change or part or other_time or unresolved),
    )


def _name(word: str) -> str:
    return re.sub(r"['’]s$", "", word)


def _shown(match: re.Match[str]) -> str:
    currency, scale, percent = match.group("currency") or "", match.group("scale"), match.group("percent")
    text = currency + match.group("number") + (f" {scale.lower()}" if scale else "")
    return text + ("%" if percent and "point" not in percent.lower() else " points" if percent else "")
