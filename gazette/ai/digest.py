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

from gazette.ai.keypoints import point_trim
from gazette.ai.quantities import Quantity, quantities_extract
from gazette.ai.sentences import sentences_split
from gazette.ai.summarize import sentence_is_prose, sentence_needs_antecedent
from gazette.text.stems import stem, terms
from gazette.text.stopwords import STOPWORDS
from gazette.text.tokens import words


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True)
class DigestOptions:
    support_overlap: float = 0.25  # word overlap (Jaccard of terms) for a sentence to back another
    support_coverage: float = (
        0.4  # and the share of the point's words, and of its lower-case words, it must hold
    )
    redundancy_overlap: float = 0.5  # shared share of the shorter sentence: a point this close to a chosen one (or its citations) repeats it
    max_points: int = 4
    max_differences: int = 4
    frame_overlap: float = 0.5  # share of the shorter clause's words two figures must share to be one thing
    max_values_per_unit: int = 2  # an article with more values than this in one unit is not compared on it
    approx_tolerance: float = 0.1  # "about 12,000" agrees with figures this close to it
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
    quotes: list[str] = field(default_factory=list)  # each outlet's sentence, in the order of sources


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


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared words over the shorter sentence's: a short sentence inside a long one repeats it."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _jaccard(a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


_FACT_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_FACT_WORDS = frozenset(
    _wordset("two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred")
)


# Pronouns whose antecedent a point cannot show ("The company has linked it to 27 incidents").
_PERSON_PRONOUNS = _wordset("he she him his her it they them")
_NOT_NAMES = _wordset("monday tuesday wednesday thursday friday saturday sunday")


def _pronoun_before_name(text: str) -> bool:
    """ "On Thursday he learned …", "On Sunday, her party won …": a person named only by a pronoun."""
    for position, token in enumerate(text.split()):
        word = token.strip(".,;:!?\"“”‘’'()").lower()
        if word in _PERSON_PRONOUNS:
            return True
        is_name = token[:1].isupper() and word not in _NOT_NAMES
        if is_name and (position > 0 or word not in STOPWORDS):
            return False
    return False


@dataclass(frozen=True)
class _Sentence:
    text: str
    terms: frozenset[str]
    facts: frozenset[str]  # its numbers, digits or words: what an outlet must state to carry the point
    actions: frozenset[str]  # its terms from lower-case words: what is said of the names it holds
    point: bool  # fit to stand as a point: prose, its subject named in it


def _sentence(text: str) -> _Sentence:
    facts = {n.replace(",", "") for n in _FACT_NUMBER.findall(text)}
    facts |= {w for w in words(text) if w in _FACT_WORDS}
    trimmed = point_trim(text)
    # A quotation is one person's view, not a fact outlets agree on.
    fit = (
        sentence_is_prose(text)
        and not sentence_needs_antecedent(trimmed)
        and not _pronoun_before_name(trimmed)
        and trimmed[:1] not in "\"“‘'"
    )
    # Numbers are weighed as facts, not as words ("310,000" would count as "310" and "000").
    actions = _words_only(terms(" ".join(w for w in text.split() if not w[:1].isupper())))
    return _Sentence(text, _words_only(terms(text)), frozenset(facts), actions, fit)


def _words_only(found: list[str]) -> frozenset[str]:
    return frozenset(t for t in found if not t.isdigit())


def digest_build(articles: list[DigestArticle], options: DigestOptions | None = None) -> Digest:
    """Agreement, differences and the first report across the articles of one story."""
    options = options or DigestOptions()
    articles = sorted(articles, key=lambda a: (a.published, a.id))
    first = articles[0] if articles else None
    sentences = {
        a.id: [
            parsed
            for parsed in map(_sentence, sentences_split(a.text))
            if len(parsed.terms) >= options.min_sentence_terms
        ]
        for a in articles
    }
    return Digest(
        first=Citation(first.id, first.source, first.title) if first else None,
        agreed=_agreed(articles, sentences, options),
        differences=_differences(articles, options),
        outlets=len({a.source for a in articles}),
    )


_OPENING_CONJUNCTION = re.compile(r"^(?:But|And|Yet|However|Still|Meanwhile),?\s+(?=\w)")


def _point_text(sentence: str) -> str:
    """The sentence as a point: no dateline or trailing attribution, no "But" that answers a sentence
    not shown."""
    text = _OPENING_CONJUNCTION.sub("", point_trim(sentence), count=1)
    return text[:1].upper() + text[1:]


def _carries(point: _Sentence, other: _Sentence, options: DigestOptions) -> float:
    """How well `other` states the point (0 when it does not): most of the point's words, and every
    number the point gives, so that an outlet reporting six dead is not credited with seven."""
    if not point.facts <= other.facts or not point.actions:
        return 0.0
    coverage = len(point.terms & other.terms) / len(point.terms)
    # Names alone do not carry a point: "Vance acknowledged the tension" is not "Vance said …".
    said = len(point.actions & other.actions) / len(point.actions)
    if (
        min(coverage, said) < options.support_coverage
        or _jaccard(point.terms, other.terms) < options.support_overlap
    ):
        return 0.0
    return coverage


def _agreed(
    articles: list[DigestArticle], sentences: dict[int, list[_Sentence]], options: DigestOptions
) -> list[Point]:
    """Sentences that other outlets also state, most widely stated first, each fact once.

    An outlet is credited only with a sentence of its own that carries the point (`_carries`); a
    point never opens with a pronoun whose antecedent is in a sentence not shown.
    """
    candidates: list[tuple[int, int, Point, list[_Sentence]]] = []
    for article in articles:
        for position, sentence in enumerate(sentences[article.id]):
            if not sentence.point:
                continue
            point = Point(_point_text(sentence.text), [Citation(article.id, article.source, sentence.text)])
            backing = [sentence]
            credited = {article.source}
            for other in articles:
                if other.source in credited:
                    continue
                scored = [(_carries(sentence, s, options), s) for s in sentences[other.id]]
                score, best = max(scored, key=lambda p: p[0], default=(0.0, None))
                if best is not None and score > 0:
                    credited.add(other.source)
                    point.citations.append(Citation(other.id, other.source, best.text))
                    backing.append(best)
            if len(credited) > 1:
                candidates.append((len(credited), -position, point, backing))
    candidates.sort(key=lambda c: (c[0], c[1]), reverse=True)
    chosen: list[Point] = []
    used: list[_Sentence] = []
    for _, _, point, backing in candidates:
        # The same fact told by another outlet, or a sentence already shown as a citation, repeats it.
        if any(
            b.text == u.text or _overlap(b.terms, u.terms) >= options.redundancy_overlap
            for b in backing
            for u in used
        ):
            continue
        chosen.append(point)
        used.extend(backing)
        if len(chosen) >= options.max_points:
            break
    return chosen


def _differences(articles: list[DigestArticle], options: DigestOptions) -> list[Difference]:
    """Figures of one thing (same unit, same clause words, same names) that outlets state differently.

    A row needs two outlets whose claims are each other's best match and cannot both be right; an
    outlet that also states the other's figure somewhere is not disagreeing, and a thing one outlet
    gives two values for is left out, because which of them is the claim cannot be told.
    """
    found = {a.id: quantities_extract(a.text) for a in articles}
    by_id = {a.id: a for a in articles}
    links: dict[tuple[int, int], set[tuple[int, int]]] = defaultdict(set)
    for a in articles:
        for b in articles:
            if a.id >= b.id or a.source == b.source:
                continue
            for i, j in _matches(found[a.id], found[b.id], options):
                links[(a.id, i)].add((b.id, j))
                links[(b.id, j)].add((a.id, i))
    differences: list[tuple[int, Difference]] = []
    seen: set[tuple[int, int]] = set()
    for node in links:
        if node in seen:
            continue
        group, stack = set(), [node]
        while stack:
            current = stack.pop()
            if current not in group:
                group.add(current)
                stack.extend(links[current] - group)
        seen |= group
        difference = _difference(group, found, by_id)
        if difference is not None:
            differences.append((len({s for f in difference.figures for s in f.sources}), difference))
    differences.sort(key=lambda d: -d[0])
    return [d for _, d in differences[: options.max_differences]]


def _matches(a: list[Quantity], b: list[Quantity], options: DigestOptions) -> list[tuple[int, int]]:
    """Index pairs (in a, in b) of claims about one thing that contradict each other."""

    def best(q: Quantity, others: list[Quantity]) -> int | None:
        scored = [(_same_thing(q, r), k) for k, r in enumerate(others) if r.claim and r.unit == q.unit]
        scored = [(s, k) for s, k in scored if s >= options.frame_overlap]
        if not scored:
            return None
        scored.sort(reverse=True)
        if (
            len(scored) > 1
            and scored[1][0] == scored[0][0]
            and others[scored[1][1]].value != others[scored[0][1]].value
        ):
            return None  # two figures fit equally well: unsure which one is the claim
        return scored[0][1]

    pairs = []
    for i, q in enumerate(a):
        if not q.claim or _crowded(q.unit, a, options) or _crowded(q.unit, b, options):
            continue
        j = best(q, b)
        if j is None or best(b[j], a) != i:
            continue
        r = b[j]
        if not q.contradicts(r, tolerance=options.approx_tolerance):
            continue
        # An outlet that writes the other's figure too knows it, in some other role.
        if any(x.unit == q.unit and x.value == r.value for x in a) or any(
            x.unit == q.unit and x.value == q.value for x in b
        ):
            continue
        pairs.append((i, j))
    return pairs


def _crowded(unit: str, found: list[Quantity], options: DigestOptions) -> bool:
    """An article giving many values in one unit (a match report's yards and points) is a table of
    figures about different things, and which one another outlet's figure answers cannot be told."""
    return len({q.value for q in found if q.unit == unit}) > options.max_values_per_unit


def _same_thing(q: Quantity, r: Quantity) -> float:
    """How surely two figures count the same thing: the share of the smaller clause's words shared,
    0 when the sentences name different people, places or bodies."""
    if not q.frame or not r.frame or not (q.predicate & r.predicate) or q.days != r.days:
        return 0.0
    if any(
        x and y and not (x & y) for x, y in ((q.subject, r.subject), (q.places, r.places), (q.names, r.names))
    ):
        return 0.0
    shared = q.frame & r.frame
    return len(shared) / min(len(q.frame), len(r.frame))


def _difference(
    group: set[tuple[int, int]], found: dict[int, list[Quantity]], by_id: dict[int, DigestArticle]
) -> Difference | None:
    values: dict[float, Figure] = {}
    per_outlet: dict[str, float] = {}
    first = None
    for article_id, index in sorted(group):
        q = found[article_id][index]
        first = first or q
        source = by_id[article_id].source
        if per_outlet.setdefault(source, q.value) != q.value:
            return None  # one outlet, two values: not a claim we can set against another
        figure = values.setdefault(q.value, Figure(q.shown, [], [], []))
        if source not in figure.sources:
            figure.sources.append(source)
            figure.article_ids.append(article_id)
            figure.quotes.append(q.sentence)
    if first is None or len(values) < 2:
        return None
    figures = sorted(values.values(), key=lambda f: -len(f.sources))
    return Difference(_about(first, [found[a][i] for a, i in group]), figures)


def _about(first: Quantity, group: list[Quantity]) -> str:
    """What the figures are of, in the outlets' words: the counted noun with the word all the
    figures share just after it ("buildings collapsed"), else a word all clauses share."""
    shared = frozenset.intersection(*(q.frame for q in group))
    if first.unit != "%" and first.noun.isalpha():
        following = first.sentence.split(first.phrase, 1)[-1]
        for word in words(following)[:3]:
            if stem(word) in shared and word not in STOPWORDS:
                return f"{first.noun} {word}"
        return first.noun
    for word in words(first.sentence):
        if stem(word) in shared:
            return word
    return first.noun
