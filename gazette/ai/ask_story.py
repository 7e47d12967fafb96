"""Grounded answers to a reader's question about a story, from the articles of the outlets covering it.

The same two methods as gazette.ai.ask, over the headline and sentences of every original article of
the story:
  1. LLM (when a gateway is given): the best sentences, taken from as many outlets as possible, are numbered
     with their outlet and the model must answer from them alone, citing numbers; citations are mapped back
     to (article, outlet, sentence) and checked. A reply that cites nothing valid is not shown and step 2
     answers instead.
  2. Built-in ("extractive"): gazette.ai.ask's ranking over the pooled sentences, where a sentence holding
     exactly what is asked (a count, an amount, a name) gains with the number of outlets stating the
     same value: "64 passengers" in four outlets' sentences outranks "two passengers" (who were hurt)
     in two. The answer is the best supporting sentence plus near-equal ones from other outlets
     (corroboration), each naming its outlet. When too little of the question is found in any
     sentence, it declines.

Sentences are pooled round-robin (every outlet's headline, then every first sentence, …), and the
ranking's preference for early sentences counts each sentence's place in its own article, so that it
favours every article's lead, not the first outlet's whole text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import NamedTuple

from gazette.ai.ask import (
    EXTRACTIVE_METHOD,
    LLM_MAX_TOKENS,
    SECOND_MIN_RATIO,
    SUPPORT_MIN,
    Ranked,
    citations_renumber,
    names_missing,
    sentences_rank,
)
from gazette.ai.llm import LLMError, LLMGateway
from gazette.ai.sentences import sentences_split

log = logging.getLogger(__name__)

DECLINED = "The coverage does not say."
# Sentences cited by the built-in method: the best one and corroboration from other outlets.
CITATIONS_MAX = 3
# Score multiplier for a value every other outlet states too, in proportion for fewer: when outlets
# report several figures of the kind asked, the one most of them give is the event's.
AGREEMENT_BOOST = 0.5
# Sentences shown to the LLM; at most this many from one outlet while others still have candidates.
LLM_PASSAGES = 6
LLM_PER_OUTLET = 2
_NOT_ANSWERED = "NOT IN SOURCES"


class StoryArticle(NamedTuple):
    article_id: int
    source_name: str
    title: str
    text: str


class StoryCitation(NamedTuple):
    article_id: int
    source_name: str
    sentence: str


@dataclass
class StoryAnswer:
    answer: str
    citations: list[StoryCitation] = field(default_factory=list)
    answered: bool = True
    method: str = EXTRACTIVE_METHOD


def _pool(articles: list[StoryArticle]) -> tuple[list[StoryCitation], set[int], list[int]]:
    """Every headline and sentence of every article, interleaved by position in its article; the pool
    indexes of the headlines, and each entry's position in its article.

    A headline is the article's first "sentence": it may state the figure a reader asks for
    ("Voltaris takes $210 million hit from SUV recall") where no sentence below it names the thing asked.
    """
    per_article = [
        [
            (StoryCitation(a.article_id, a.source_name, s), n == 0 and bool(_headline(a)))
            for n, s in enumerate(_headline(a) + sentences_split(a.text))
        ]
        for a in articles
    ]
    pool: list[StoryCitation] = []
    headlines: set[int] = set()
    positions: list[int] = []
    for position, row in enumerate(zip_longest(*per_article)):
        for item in row:
            if item is not None:
                if item[1]:
                    headlines.add(len(pool))
                pool.append(item[0])
                positions.append(position)
    return pool, headlines, positions


def _sentences_first(ranked: list[Ranked], headlines: set[int]) -> list[Ranked]:
    """The ranking with headlines moved below every sentence, unless a headline holds more of the
    question than any sentence does: a short headline outscores the sentence that says the same
    thing in full, and the sentence is the better citation."""
    body = [r for r in ranked if r.index not in headlines]
    best_support = max((r.support for r in body), default=0.0)
    ahead = [r for r in ranked if r.index in headlines and r.support > best_support]
    behind = [r for r in ranked if r.index in headlines and r.support <= best_support]
    return ahead + body + behind


def _agreement_weigh(ranked: list[Ranked], pool: list[StoryCitation]) -> list[Ranked]:
    """The ranking with each answering sentence weighed by how many outlets state its value."""
    outlets_total = len({p.source_name for p in pool})
    stating: dict[str, set[str]] = {}
    for r in ranked:
        if r.support >= SUPPORT_MIN:
            for value in r.values:
                stating.setdefault(value, set()).add(pool[r.index].source_name)
    if outlets_total < 2 or not stating:
        return ranked
    for r in ranked:
        agreeing = max((len(stating.get(v, ())) for v in r.values), default=1)
        r.score *= 1 + AGREEMENT_BOOST * (agreeing - 1) / (outlets_total - 1)
    return sorted(ranked, key=lambda r: (-r.score, r.index))


def _headline(article: StoryArticle) -> list[str]:
    title = " ".join(article.title.split())
    # A text that opens with its headline would offer the same words twice.
    return [title] if title and not article.text.lstrip().startswith(title) else []


def answer_story_question(
    *,
    articles: list[StoryArticle] | list[tuple[int, str, str, str]],
    question: str,
    llm: LLMGateway | None = None,
    names: Mapping[str, str] | None = None,
) -> StoryAnswer:
    """An answer grounded in the story's articles, citing outlet and sentence, or a plain decline.

    `names` maps the people, organisations and places the entity stage found in the articles to their
    kind."""
    story = [StoryArticle(*a) for a in articles]
    pool, headlines, positions = _pool(story)
    ranked = sentences_rank(
        sentences=[p.sentence for p in pool], question=question, positions=positions, names=names
    )
    ranked = _sentences_first(_agreement_weigh(ranked, pool), headlines)
    if llm is not None and pool and question.strip():
        try:
            answer = _llm_answer(pool=pool, ranked=ranked, question=question, llm=llm)
        except LLMError as exc:
            log.warning("ask-story: no LLM reply (%s); using the built-in method", exc)
        else:
            if answer is not None:
                return answer
            log.info("ask-story: the LLM reply cited no valid sentence; using the built-in method")
    return _extractive_answer(pool, ranked, question)


def _extractive_answer(pool: list[StoryCitation], ranked: list[Ranked], question: str) -> StoryAnswer:
    sentences = [p.sentence for p in pool]
    if not ranked or ranked[0].support < SUPPORT_MIN or names_missing(question=question, sentences=sentences):
        return StoryAnswer(answer=DECLINED, citations=[], answered=False)
    best = ranked[0]
    cited = [pool[best.index]]
    for other in ranked[1:]:
        if len(cited) >= CITATIONS_MAX or other.score < SECOND_MIN_RATIO * best.score:
            break
        candidate = pool[other.index]
        # Corroboration holds every question word the answer holds ("cost", not just "Voltaris" and
        # "recall") and the value it gives ("64 passengers", not "two passengers" who were hurt); one
        # sentence an outlet, and a copy of a wire sentence already cited adds nothing.
        if (
            other.support < SUPPORT_MIN
            or not other.matched >= best.matched
            or (best.values and not best.values & other.values)
            or any(
                c.source_name == candidate.source_name or _same(c.sentence, candidate.sentence) for c in cited
            )
        ):
            continue
        cited.append(candidate)
    return StoryAnswer(answer=" ".join(c.sentence for c in cited), citations=cited, answered=True)


def _same(a: str, b: str) -> bool:
    return re.sub(r"\W+", "", a.lower()) == re.sub(r"\W+", "", b.lower())


def _passages(pool: list[StoryCitation], ranked: list[Ranked]) -> list[int]:
    """Pool indexes for the LLM: best first, no more than LLM_PER_OUTLET from one outlet, in pool order."""
    candidates = [r.index for r in ranked] or list(range(min(LLM_PASSAGES, len(pool))))
    picked: list[int] = []
    per_outlet: dict[str, int] = {}
    for index in candidates:
        outlet = pool[index].source_name
        if per_outlet.get(outlet, 0) < LLM_PER_OUTLET:
            picked.append(index)
            per_outlet[outlet] = per_outlet.get(outlet, 0) + 1
        if len(picked) == LLM_PASSAGES:
            break
    # Only one or two outlets matched: fill up with their next-best sentences.
    for index in candidates:
        if len(picked) == LLM_PASSAGES:
            break
        if index not in picked:
            picked.append(index)
    return sorted(picked)


_SYSTEM = (
    "You answer questions about a news story using ONLY the numbered sentences given; each names the "
    "outlet that published it. Cite the sentence numbers you used in square brackets, like [2]. "
    "When outlets disagree, say so. "
    f"If the sentences do not answer the question, reply exactly: {_NOT_ANSWERED}"
)


def _llm_answer(
    *, pool: list[StoryCitation], ranked: list[Ranked], question: str, llm: LLMGateway
) -> StoryAnswer | None:
    """The model's answer with checked citations; None when it cites nothing that exists."""
    picked = _passages(pool, ranked)
    numbered = "\n".join(
        f"[{n}] ({pool[i].source_name}) {pool[i].sentence}" for n, i in enumerate(picked, start=1)
    )
    user = f"Sentences:\n{numbered}\n\nQuestion: {question.strip()}"
    reply = llm.chat(
        [{"role": "system", "content": _SYSTEM}, {"role": "user", "content": user}], max_tokens=LLM_MAX_TOKENS
    )
    method = f"llm:{llm.model}"
    if _NOT_ANSWERED.lower() in reply.lower():
        return StoryAnswer(answer=DECLINED, citations=[], answered=False, method=method)
    answer, order = citations_renumber(reply, picked)
    if not order or not answer:
        return None
    return StoryAnswer(answer=answer, citations=[pool[i] for i in order], answered=True, method=method)
