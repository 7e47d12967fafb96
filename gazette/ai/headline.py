"""Headline check: the reasons a headline reads like clickbait, so readers can weigh it."""

from __future__ import annotations

import re

_CURIOSITY = re.compile(
    r"\b(?:you won'?t believe|you'?ll never (?:guess|believe)|what happen(?:s|ed) next|will (?:shock|amaze|"
    r"blow your mind)|this is why|here'?s why|here'?s what|here'?s how|the reason (?:why )?will|"
    r"is (?:all )?you need to know|doctors hate|one (?:weird|simple) trick|nobody (?:is talking|expected)|"
    r"no one (?:is talking|expected)|went viral|broke the internet|jaw-?dropping|mind-?blowing|"
    r"unbelievable|shocking|what (?:she|he|they) (?:did|said) next)\b",
    re.IGNORECASE,
)
_LISTICLE = re.compile(
    r"^\s*(?:the\s+)?\d{1,3}\s+(?:\w+\s+){0,3}(?:things|reasons|ways|tips|tricks|facts|signs|secrets|"
    r"photos|pictures|times|people|foods|places|mistakes|habits|celebrities|moments)\b",
    re.IGNORECASE,
)
# "This", "these" or "here" standing in for the subject the headline should name.
_VAGUE = re.compile(
    r"^(?:this|these|here)\b(?!\s+(?:year|week|month|morning|season|weekend)\b)"
    r"|\b(?:this one|this man|this woman|this guy|this girl|this kid|this dog|this cat|this photo|"
    r"this video|this simple|this is what)\b",
    re.IGNORECASE,
)
_SHOUT_WORD = re.compile(r"\b[A-Z]{4,}\b")
# Initialisms and words that are normally written in capitals.
_NORMAL_CAPS = frozenset(
    [
        "NASA",
        "NATO",
        "FIFA",
        "UEFA",
        "NHS",
        "NYPD",
        "USA",
        "EU",
        "UN",
        "UK",
        "US",
        "OPEC",
        "IMF",
        "WHO",
        "FBI",
        "CIA",
        "NBA",
        "NFL",
        "MLB",
        "NHL",
        "BBC",
        "CNN",
        "COVID",
        "HIV",
        "AIDS",
        "CEO",
        "CFO",
        "GDP",
        "IPO",
        "LGBT",
        "LGBTQ",
        "UNESCO",
        "UNICEF",
        "ASEAN",
        "BRICS",
        "SARS",
    ]
)
_EXCESS_PUNCTUATION = re.compile(r"[!?]{2,}|!.*!")
_YES_NO = re.compile(r"^(?:is|are|can|will|does|do|should|could|has|have|did|was|were)\b", re.IGNORECASE)
ALL_CAPS_MIN_LETTERS = 12
SHOUT_MIN_WORDS = 2


def headline_check(title: str) -> list[str]:
    """Reasons the headline looks like clickbait; empty when it reads as a plain news headline."""
    reasons: list[str] = []
    text = " ".join(title.split())
    if not text:
        return reasons
    if match := _CURIOSITY.search(text):
        reasons.append(f"curiosity gap: “{match.group(0)}” withholds the news to make you click")
    if _LISTICLE.search(text):
        reasons.append("listicle: a numbered list rather than a news event")
    rest = text[: match.start()] + text[match.end() :] if match else text
    if _VAGUE.search(rest):
        reasons.append("vague subject: “this”/“here” instead of naming who or what")
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= ALL_CAPS_MIN_LETTERS and all(c.isupper() for c in letters):
        reasons.append("all capitals")
    else:
        shouted = [w for w in _SHOUT_WORD.findall(text) if w not in _NORMAL_CAPS]
        if len(shouted) >= SHOUT_MIN_WORDS or (shouted and len(text.split()) <= 6):
            reasons.append(f"shouting: {', '.join(shouted)} in capitals")
    if _EXCESS_PUNCTUATION.search(text):
        reasons.append("excessive punctuation")
    elif text.endswith("?") and _YES_NO.match(text):
        # Open questions ("Who will lead Caldoria?") are ordinary; yes/no ones usually hide a "no".
        reasons.append("yes/no question headline (usually answered “no”)")
    return reasons
