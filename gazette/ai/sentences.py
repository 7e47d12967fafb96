"""Sentences: the units every AI feature ranks, cites and quotes (their words are gazette/text's terms).

Splitting is a careful regex rather than pysbd: on the CNN/DailyMail dev set (bench/summaries.py) Lead-3
scores ROUGE-1 41.5 with it against 41.3 with pysbd, it runs over 50 times faster (under 1 ms against
~80 ms an article), and it keeps sentences verbatim, which citations need (they must be exact
substrings of the article). spaCy's statistical segmenter (en_core_web_sm's `senter`, installed for
entities) was measured the same way (`--senter` in bench/summaries.py and bench/demo_summaries.py, which
splits each regex piece again where the model sees a boundary): ROUGE-1/2/L 42.14 / 19.33 / 27.08
against 42.05 / 19.31 / 27.04, Lead-3 41.45 against 41.48, the demo's AI panels unchanged (the same 324
summary and 427 key-point sentences, no caption, byline, tip line or unresolved pronoun in either), for
5.5 times the time per summary in the same run and the model's memory in every web process that answers
questions. A difference that small is not worth that, so the regex stays.

Pages flattened to text run a photo caption into the sentence after it, with no stop between: such a
caption is split off where a capitalised article follows a lowercase word, and page furniture ("Scroll
down for video") before a first sentence becomes a piece of its own, so neither is quoted as prose. On
the CNN/DailyMail dev set the built-in summaries' sentences holding a caption or furniture word
("pictured", "scroll down") went from 6 of 375 to 0 of 347 with it; Lead-3 moved from ROUGE-1 41.48
to 41.41. A caption that opens with a label ("Wanted: Police in Maryland have …") and runs into a
sentence without an article is still read as one sentence.
"""

from __future__ import annotations

import re

# Abbreviations after which a full stop does not end a sentence (compared lower-case, without the dot).
ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "mx",
        "dr",
        "prof",
        "sen",
        "rep",
        "gov",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "maj",
        "cpl",
        "pvt",
        "rev",
        "hon",
        "pres",
        "supt",
        "insp",
        "det",
        "st",
        "ste",
        "mt",
        "ft",
        "jr",
        "sr",
        "inc",
        "corp",
        "ltd",
        "co",
        "bros",
        "plc",
        "llc",
        "vs",
        "etc",
        "al",
        "approx",
        "est",
        "dept",
        "univ",
        "assn",
        "ave",
        "blvd",
        "rd",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "fig",
        "vol",
        "op",
        "cf",
        "no",
        "nos",
    ]
)
# "No. 1" is an abbreviation only before a number; "said no. The" ends a sentence.
_NUMBER_ABBREVIATIONS = frozenset({"no", "nos", "fig", "vol", "op"})

# After "a.m."/"p.m." these words continue the sentence ("4 a.m. GMT", "5 p.m. Tuesday").
_AFTER_CLOCK = frozenset(
    {"gmt", "utc", "bst", "cet", "cest", "est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt", "et",
     "ct", "mt", "pt", "local", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)  # fmt: skip
_CLOCK = frozenset({"a.m", "p.m"})

_YEAR = re.compile(r"(?:1[6-9]|20)\d\d\b(?![.,]\d)")

_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘«(["
# A candidate end: terminal punctuation, closing quotes/brackets, space, then what may start a sentence.
_BOUNDARY = re.compile(
    rf"(?P<end>[.!?…]+[{re.escape(_CLOSERS)}]*)(?P<space>\s+)(?=[{re.escape(_OPENERS)}]*[A-Z0-9À-ÖØ-Þ])",
)
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_INITIALS = re.compile(r"^(?:[A-Za-z]\.)*[A-Za-z]$")
_LINE_END = re.compile(rf"[.!?…:;][{re.escape(_CLOSERS)}]*$")
_NUMBER_END = re.compile(r"\d\.$")
_BULLET = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s+")
# A line shorter than this that ends without punctuation is taken as a heading, not a wrapped line.
HEADING_MAX_CHARS = 60


def sentences_split(text: str) -> list[str]:
    """The text's sentences, verbatim (each one is a substring of the text), in order."""
    sentences: list[str] = []
    for paragraph in paragraphs_split(text):
        sentences.extend(_split_paragraph(paragraph))
    return sentences


def paragraphs_split(text: str) -> list[str]:
    """Paragraphs: blank lines always separate; a single newline does unless the line looks hard-wrapped."""
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        current: list[str] = []
        for line in lines:
            if current and _line_ends_paragraph(current[-1], line):
                paragraphs.append(" ".join(current))
                current = []
            current.append(line)
        if current:
            paragraphs.append(" ".join(current))
    return paragraphs


def _line_ends_paragraph(previous: str, line: str) -> bool:
    if _BULLET.match(line):
        return True
    if _NUMBER_END.search(previous) and line[:1].isdigit():
        return False  # "rose 4." + "1 percent": a decimal wrapped onto the next line
    if line[:1].islower():
        return False
    return bool(_LINE_END.search(previous)) or len(previous) < HEADING_MAX_CHARS


# A caption run into the sentence after it, as pages flattened to text print them ("Shooter: Terry
# Martin, 48, shot his girlfriend after she asked for half of his winnings A man who won $500 …"): a
# capitalised article right after a lowercase word, and a lowercase word after it, starts a sentence.
# Names ("Ines Varga's The Salt Road") are left alone by the capital after the article; "a type A
# personality" is split wrongly, a rarer loss than every caption quoted. The caption part then has no
# closing stop, so nothing quotes it as prose.
_GLUED = re.compile(r"(?<=[a-z0-9%)])\s+(?=(?:The|A|An)\s+[a-z])")
# Page furniture printed before the first sentence of a flattened page, as a piece of its own.
_FURNITURE = re.compile(
    r"^(?i:scroll down for (?:video|more|pictures)|scroll down to (?:watch|see) [\w ]{3,30}?"
    r"|click here (?:to|for) [\w ]{3,40}?|watch the video below)\s+(?=[A-Z])"
)


def _split_paragraph(paragraph: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        if not _is_boundary(paragraph, match):
            continue
        pieces.extend(_unglue(paragraph[start : match.end("end")]))
        start = match.end("space")
    pieces.extend(_unglue(paragraph[start:]))
    return pieces


def _unglue(piece: str) -> list[str]:
    """The piece split where page furniture or a caption runs into the sentence after it."""
    piece = piece.strip()
    out: list[str] = []
    furniture = _FURNITURE.match(piece)
    if furniture:
        out.append(piece[: furniture.end()].strip())
        piece = piece[furniture.end() :]
    out.extend(part for part in _GLUED.split(piece) if part.strip())
    return [part.strip() for part in out if part.strip()]


def _is_boundary(paragraph: str, match: re.Match[str]) -> bool:
    end = match.group("end")
    if not end.startswith(".") or len(end.rstrip(_CLOSERS)) > 1:
        return True  # "!", "?", "..." and closing quotes after the stop end sentences
    if end != ".":
        return True  # 'he said."' — the quote closes after the stop
    stop = match.start("end")
    before = _WORD_BEFORE.search(paragraph, max(0, stop - 40), stop)
    if not before:
        return True
    word = before.group(1)
    bare = word.rstrip(".").lower()
    following = paragraph[match.end("space") :]
    if bare in _NUMBER_ABBREVIATIONS:
        return not following[:1].isdigit()
    if bare in ABBREVIATIONS:
        return False
    if word[-1:].isdigit():
        # "1." opening a paragraph numbers a list item; "4. 1 percent" is a decimal broken by a space
        # (style guides spell out a number that starts a sentence, so a digit rarely opens one; a year may)
        list_item = word.isdigit() and not paragraph[: before.start()].strip()
        return not list_item and (not following[:1].isdigit() or bool(_YEAR.match(following)))
    if bare in _CLOCK:
        return following.split(" ", 1)[0].strip(",.;").lower() not in _AFTER_CLOCK
    # Initials ("J. K. Rowling", "U.S. officials"); a lone capital letter is an initial, not a sentence.
    return not (_INITIALS.match(word) and any(c.isupper() for c in word) and len(bare) <= 4)
