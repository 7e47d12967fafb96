"""Story titles: the first report's headline, changed only when a clearly better one arrives.

A story's title should name the event the way a news report does and stay put while the story grows:
readers find a story again by its title. Headlines are ranked in three tiers: a news headline, a news
headline that reads like clickbait (ai/headline.py), and a headline that frames analysis, opinion, an
explainer or a feature (cues in views.txt, or a question). The title is the earliest published
headline of the best tier present. So it changes only when a headline of a better tier joins (news
for an opening analysis piece), or when the first report itself arrives after a later one (an outlet
polled late); later reports, however central or wordy, never displace it. The "most central
headline" rule this replaced moved the demo's titles to analysis pieces as they joined.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from gazette.ai.headline import headline_check

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


def story_title(headlines: list[str]) -> str:
    """The title of a story whose original reports carry `headlines`, oldest first: the first
    report's headline among those of the best tier."""
    if not headlines:
        return ""
    tiers = [headline_tier(h) for h in headlines]
    return headlines[tiers.index(min(tiers))]
