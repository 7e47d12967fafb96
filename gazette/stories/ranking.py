"""Top stories for the front page: fresher and more widely covered ranks higher.

Once the story engine has grouped articles, stories_rank orders stories by outlets and freshness.

Until stories (clusters of articles about one event) exist, "coverage" is estimated from headlines: an
article is covered by every other source that published a headline sharing enough significant words.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from gazette.stories.keywords import headline_keywords

# Two headlines are about the same thing when they share this many significant words.
SAME_TOPIC_MIN_SHARED = 2
# Hacker-News-style gravity: how fast an article sinks as it ages (hours).
GRAVITY = 1.5
AGE_OFFSET_HOURS = 2.0


@dataclass(frozen=True)
class Candidate:
    """The few fields of an article the ranking needs."""

    article_id: int
    source_id: int
    title: str
    published_at: datetime


@dataclass
class RankedStory:
    article_id: int
    score: float
    coverage: int
    """Number of other sources with a similar headline."""
    similar_ids: list[int] = field(default_factory=list)


def top_stories_score(*, age_hours: float, coverage: int) -> float:
    """(1 + other sources covering it) / (age + 2h)^1.5: coverage lifts, age sinks."""
    return (1 + coverage) / (max(age_hours, 0.0) + AGE_OFFSET_HOURS) ** GRAVITY


def top_stories_rank(candidates: list[Candidate], *, now: datetime, limit: int = 6) -> list[RankedStory]:
    """Best-scored candidates, one per topic: similar headlines are folded into the best of them."""
    words = [set(headline_keywords(c.title)) for c in candidates]
    by_word: dict[str, list[int]] = defaultdict(list)
    for i, ws in enumerate(words):
        for w in ws:
            by_word[w].append(i)
    ranked: list[tuple[RankedStory, set[str]]] = []
    for i, cand in enumerate(candidates):
        shared: Counter[int] = Counter(j for w in words[i] for j in by_word[w] if j != i)
        similar = sorted(j for j, n in shared.items() if n >= SAME_TOPIC_MIN_SHARED)
        sources = {candidates[j].source_id for j in similar} - {cand.source_id}
        age_hours = (now - cand.published_at).total_seconds() / 3600
        story = RankedStory(
            article_id=cand.article_id,
            score=top_stories_score(age_hours=age_hours, coverage=len(sources)),
            coverage=len(sources),
            similar_ids=[candidates[j].article_id for j in similar],
        )
        ranked.append((story, words[i]))
    ranked.sort(key=lambda pair: (-pair[0].score, -pair[0].article_id))
    picked: list[RankedStory] = []
    picked_words: list[set[str]] = []
    for story, story_words in ranked:
        if any(len(story_words & w) >= SAME_TOPIC_MIN_SHARED for w in picked_words):
            continue
        picked.append(story)
        picked_words.append(story_words)
        if len(picked) >= limit:
            break
    return picked


@dataclass(frozen=True)
class StoryCandidate:
    """The few fields of a story the front page ranking needs."""

    story_id: int
    outlets: int
    last_article_at: datetime


def stories_rank(candidates: list[StoryCandidate], *, now: datetime, limit: int = 6) -> list[int]:
    """Story ids, best first: the same gravity as top_stories_score, coverage being the other outlets.

    Age counts from the story's latest article, so a developing story stays up while outlets keep
    reporting it; a story every outlet covered yesterday sinks below one three outlets covered an hour ago.
    """
    scored = sorted(
        candidates,
        key=lambda c: (
            -top_stories_score(
                age_hours=(now - c.last_article_at).total_seconds() / 3600, coverage=max(c.outlets - 1, 0)
            ),
            -c.story_id,
        ),
    )
    return [c.story_id for c in scored[:limit]]
