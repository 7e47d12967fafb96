"""Story titles: the first report's headline, kept unless a clearly better one arrives.

A story's title should name the event the way a news report does and stay put while the story grows:
readers find a story again by its title. Headlines are ranked in three tiers: a news headline, a news
headline that reads like clickbait (ai/headline.py), and a headline that frames analysis, opinion, an
explainer or a feature (cues in views.txt, or a question). The current title is kept while it is still
a member's headline and no member's headline is of a better tier; otherwise the most central headline
of the best tier takes its place (the first report's when there are one or two).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path

from gazette.ai.headline import headline_check
from gazette.stories.text import words

NEWS, CLICKBAIT, VIEW = 0, 1, 2


@functools.cache
def _view_cues() -> tuple[re.Pattern[str], re.Pattern[str]]:
    starts: list[str] = []
    anywhere: list[str] = []
    for line in (Path(__file__).parent / "views.txt").read_text("utf-8").splitlines():
        cue = line.strip()
        if not cue or cue.startswith("#"):
            continue
        (starts if cue.startswith("^") else anywhere).append(re.escape(cue.lstrip("^")))
    return (
        re.compile(rf"^(?:{'|'.join(starts)})\b", re.IGNORECASE),
        re.compile(rf"\b(?:{'|'.join(anywhere)})\b", re.IGNORECASE),
    )


def headline_is_view(title: str) -> bool:
    """Whether a headline frames analysis, opinion, an explainer or a feature rather than the news."""
    text = " ".join(title.replace("’", "'").split())
    if "?" in text:
        return True
    starts, anywhere = _view_cues()
    parts = [text] + [part.strip(" '\"") for part in text.split(":")[1:2]]
    return any(starts.search(part) for part in parts) or anywhere.search(text) is not None


def headline_tier(title: str) -> int:
    """NEWS, CLICKBAIT or VIEW: lower is a better story title."""
    if headline_is_view(title):
        return VIEW
    return CLICKBAIT if headline_check(title) else NEWS


def _terms(title: str) -> set[str]:
    return {w for w in words(title) if len(w) > 3}


def central_title(titles: list[str]) -> str:
    """The headline sharing most words with the others; the first one when there are one or two."""
    if len(titles) <= 2:
        return titles[0] if titles else ""
    terms = [_terms(t) for t in titles]
    counts = Counter(term for ts in terms for term in ts)
    scores = [sum(counts[t] - 1 for t in ts) / (len(ts) ** 0.5 or 1) for ts in terms]
    return titles[max(range(len(titles)), key=scores.__getitem__)]


def story_title_choose(headlines: list[str], current: str = "") -> str:
    """The title of a story whose original reports carry `headlines` (oldest first), given its
    `current` title: kept while it is one of them and none is of a better tier."""
    if not headlines:
        return current
    tiers = {h: headline_tier(h) for h in headlines}
    best = min(tiers.values())
    if current in tiers and tiers[current] <= best:
        return current
    return central_title([h for h in headlines if tiers[h] == best])
