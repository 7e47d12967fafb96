"""digest_build: what the outlets covering one story agree on, where they differ, and who was first.

Built-in and extractive: every point is a sentence an outlet published, with the sentences of other
outlets that support it as citations. Written by hand because no library compares news coverage;
the measures are plain word overlap and number extraction, so every claim can be checked by a reader.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from gazette.ai.sentences import sentences_split, terms


@dataclass(frozen=True)
class DigestOptions:
    support_overlap: float = 0.34  # word overlap (Jaccard of terms) for a sentence to back another
    redundancy_overlap: float = 0.5  # a point this close to a chosen one repeats it
    max_points: int = 4
    max_differences: int = 4
    min_sentence_terms: int = 5


@dataclass
class DigestArticle:
    id: int
    source: str
    title: str
    text: str
    published: datetime


@dataclass
class Citation:
    article_id: int
    source: str
    sentence: str


@dataclass
class Point:
    text: str
    citations: list[Citation] = field(default_factory=list)


@dataclass
class Figure:
    value: str
    sources: list[str]
    article_ids: list[int]


@dataclass
class Difference:
    about: str
    figures: list[Figure]


@dataclass
class Digest:
    first: Citation | None
    agreed: list[Point]
    differences: list[Difference]
    outlets: int


_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(%|percent|per cent))?\s+([a-z][a-z-]{2,})"
)
# Words after a number that name no quantity ("in 2024 when", "on 12 March").
_NOT_QUANTITIES = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "and", "the", "for", "from", "with", "when", "that", "was", "were", "are",
    "a.m", "p.m", "am", "pm", "gmt", "utc", "to", "in", "on", "at", "of", "or", "by",
}  # fmt: skip


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def digest_build(articles: list[DigestArticle], options: DigestOptions | None = None) -> Digest:
    """Agreement, differences and the first report across the articles of one story."""
    options = options or DigestOptions()
    articles = sorted(articles, key=lambda a: (a.published, a.id))
    first = articles[0] if articles else None
    sentences = {
        a.id: [
            (s, set(terms(s)))
            for s in sentences_split(a.text)
            if len(set(terms(s))) >= options.min_sentence_terms
        ]
        for a in articles
    }
    return Digest(
        first=Citation(first.id, first.source, first.title) if first else None,
        agreed=_agreed(articles, sentences, options),
        differences=_differences(articles, options),
        outlets=len({a.source for a in articles}),
    )


def _agreed(
    articles: list[DigestArticle], sentences: dict[int, list[tuple[str, set[str]]]], options: DigestOptions
) -> list[Point]:
    candidates: list[tuple[int, int, Point, set[str]]] = []
    for article in articles:
        for position, (sentence, words) in enumerate(sentences[article.id]):
            point = Point(sentence, [Citation(article.id, article.source, sentence)])
            backers = set()
            for other in articles:
                if other.source == article.source or other.source in backers:
                    continue
                best = max(
                    ((s, _jaccard(words, w)) for s, w in sentences[other.id]),
                    key=lambda p: p[1],
                    default=None,
                )
                if best and best[1] >= options.support_overlap:
                    backers.add(other.source)
                    point.citations.append(Citation(other.id, other.source, best[0]))
            if backers:
                candidates.append((len(backers), -position, point, words))
    candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
    chosen: list[tuple[Point, set[str]]] = []
    for _, _, point, words in candidates:
        if all(_jaccard(words, w) < options.redundancy_overlap for _, w in chosen):
            chosen.append((point, words))
        if len(chosen) >= options.max_points:
            break
    return [p for p, _ in chosen]


def _differences(articles: list[DigestArticle], options: DigestOptions) -> list[Difference]:
    """Quantities named by the same word ("dead", "hectares") that outlets report differently."""
    reported: dict[str, dict[str, tuple[list[str], list[int]]]] = defaultdict(dict)
    for article in articles:
        seen: set[str] = set()
        for value, unit, noun in _NUMBER.findall(article.text):
            noun = noun.lower()
            if noun in _NOT_QUANTITIES or (len(value) == 4 and value.startswith(("19", "20")) and not unit):
                continue
            shown = value + ("%" if unit else "")
            # An outlet's first figure for a thing is its claim; later ones are other contexts
            # ("12,000 people fled … 9,400 people in shelters") and are not a disagreement.
            if noun in seen:
                continue
            seen.add(noun)
            sources, ids = reported[noun].setdefault(shown, ([], []))
            if article.source not in sources:
                sources.append(article.source)
                ids.append(article.id)
    differences = []
    for noun, values in reported.items():
        outlets = {s for sources, _ in values.values() for s in sources}
        if len(values) >= 2 and len(outlets) >= 2:
            figures = [Figure(v, sources, ids) for v, (sources, ids) in values.items()]
            figures.sort(key=lambda f: -len(f.sources))
            differences.append((len(outlets), Difference(noun, figures)))
    differences.sort(key=lambda d: -d[0])
    return [d for _, d in differences[: options.max_differences]]
