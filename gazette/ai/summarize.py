"""Article summaries: a built-in extractive method, or an LLM's when one is configured.

The built-in method ("leadrank") scores each sentence by three signals and then picks with MMR:
  - position: news puts the gist first, so early sentences get a prior that decays with their place
    among the prose sentences (a caption or heading above the lead does not push it down);
  - centrality: PageRank over the sentences' TF-IDF cosine graph (LexRank), teleporting towards the
    lead, so a sentence the rest of the article keeps returning to rises;
  - title overlap with the headline (weight 0 by default: it did not help on the dev set).
MMR (maximal marginal relevance) then skips a sentence that repeats one already chosen, and the summary
stops taking sentences once it holds `words_enough` words. Only prose is picked: a line without a
closing full stop (a caption or heading), a byline, a dateline, a section label or a sentence with an
unclosed quotation never is, and a sentence opening with a pronoun ("He said…", "This means…") only
right after the sentence before it. The chosen sentences are returned in article order.

Tunables live in SummaryOptions and were fitted on the even half of the CNN/DailyMail dev set
(bench/summaries.py --tune; the set has one split), with the odd half held out: ROUGE-1/2/L over all
125 articles 43.00 / 19.61 / 27.60 (odd half 43.02), against 42.05 / 19.31 / 27.04 (odd 42.44) before
the word budget, the prose-place prior and gazette.ai.sentences' caption splitting, in the same run;
BertSum's stored outputs score 42.88 (odd 43.47). About 3 ms an article. Centrality over
all-MiniLM-L6-v2 sentence embeddings (gazette.stories.embeddings) instead of TF-IDF was measured with
the earlier settings: ROUGE-1 42.05 -> 41.59 as a 0.2-weighted extra signal, 41.34 at 0.4 (it favours
long sentences), for about 950 ms an article to embed 22 sentences on one thread; it is not used.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass

from gazette.ai.llm import LLMError, LLMGateway
from gazette.ai.sentences import sentences_split
from gazette.ingest.clean import is_dateline, is_section_label
from gazette.text.stems import terms

log = logging.getLogger(__name__)

EXTRACTIVE_METHOD = "extractive-leadrank"


@dataclass(frozen=True)
class SummaryOptions:
    sentences: int = 3
    # Position prior 1 / (1 + i) ** lead_decay for the i-th sentence (0-based).
    lead_weight: float = 1.0
    lead_decay: float = 0.75
    # LexRank score, scaled so the most central sentence has 1.
    centrality_weight: float = 0.2
    # Cosine similarity of the sentence to the title. Off by default: on the tuning half of the dev set
    # it cost ROUGE-1 (0.3 -> -0.4, 0.6 -> -1.1), because headlines tease rather than restate the lead.
    title_weight: float = 0.0
    # PageRank damping; the rest of the mass teleports to sentences in proportion to the position prior.
    damping: float = 0.85
    # Edges below this cosine similarity are dropped from the sentence graph.
    edge_min_similarity: float = 0.05
    # MMR trade-off: 1.0 ignores redundancy, lower values penalise overlap with chosen sentences more.
    mmr_lambda: float = 0.5
    # A summary stops taking sentences once it holds this many words (0: always `sentences` of them):
    # two long lead sentences say what three would, and a third mostly repeats them.
    words_enough: int = 65
    # Sentences outside this many words are rarely summary material (captions, bylines, run-ons).
    min_words: int = 6
    max_words: int = 70
    length_penalty: float = 0.5
    # Sentences that open with a quotation are usually colour, not the news.
    quote_penalty: float = 0.2
    # The LLM sees at most this much of the article.
    llm_max_chars: int = 6000
    llm_max_tokens: int = 200


@dataclass
class Summary:
    sentences: list[str]
    method: str
    model: str | None = None

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


def summary_build(
    *,
    title: str | None,
    text: str,
    options: SummaryOptions = SummaryOptions(),
    llm: LLMGateway | None = None,
) -> Summary:
    """A summary of the article: the LLM's when a gateway is given and answers, else the built-in one."""
    if llm is not None:
        try:
            return _llm_summary(title=title, text=text, options=options, llm=llm)
        except LLMError as exc:
            log.warning("summarize: no LLM reply (%s); using the built-in method", exc)
    sentences = sentences_split(text)
    chosen = sentences_select(title=title, sentences=sentences, count=options.sentences, options=options)
    return Summary(sentences=[sentences[i] for i in chosen], method=EXTRACTIVE_METHOD, model=None)


def sentences_select(
    *,
    title: str | None,
    sentences: list[str],
    count: int,
    options: SummaryOptions = SummaryOptions(),
    exclude: Collection[int] = (),
) -> list[int]:
    """Indexes of the `count` best summary sentences, in article order; `exclude`d ones are not repeated."""
    if count <= 0 or not sentences:
        return []
    prose = [sentence_is_prose(s) for s in sentences]
    if not any(prose):
        prose = [True] * len(sentences)  # a text with no prose at all (a list of headlines) is what it is
    candidates = [i for i in range(len(sentences)) if prose[i] and i not in exclude]
    if len(candidates) <= count and not exclude:
        return [i for i in candidates if not _needs_antecedent(sentences[i]) or i - 1 in candidates]
    vectors = tfidf_vectors([terms(s) for s in sentences])
    scores = sentences_score(title=title, sentences=sentences, vectors=vectors, options=options)
    needs = [_needs_antecedent(s) for s in sentences]

    def allowed(i: int, chosen: Collection[int]) -> bool:
        # a pronoun needs its antecedent read just before it
        return prose[i] and (not needs[i] or i - 1 in chosen)

    lengths = [len(s.split()) for s in sentences]
    chosen = mmr_select(
        scores,
        vectors,
        count=count,
        mmr_lambda=options.mmr_lambda,
        allowed=allowed,
        seen=list(exclude),
        enough=(lambda picked: sum(lengths[i] for i in picked) >= options.words_enough)
        if options.words_enough
        else None,
    )
    return sorted(chosen)


# a caption or heading has no closing stop; ! and ? close sentences too, and quotes may follow them
_CLOSED = re.compile(r"[.!?…][\"'”’»)\]]*$")
_BYLINE = re.compile(r"^(?:by|von|por|par)\s+\S", re.IGNORECASE)
BYLINE_MAX_WORDS = 8  # "By Wednesday morning, firefighters said…" is longer: a sentence
_PRONOUN = re.compile(
    r"^(?:he|she|they|it|its|his|her|their|them|him|this|these|those|that)\b"
    r"(?!\s+(?:year|week|month|morning|afternoon|evening|night|summer|winter|spring|autumn|season|weekend)\b)",
    re.IGNORECASE,
)

# '"…," she said.' and '"…," they told reporters.' name their speaker only by a pronoun
_PRONOUN_QUOTE = re.compile(r"^[\"“].*[\"”],?\s+(?:he|she|they)\s+(?:said|says|added|told|wrote)\b[^\"“”]*$")
_BARE_QUOTE = re.compile(r"^[\"“][^\"“”]*[\"”]$")


def sentence_is_prose(sentence: str) -> bool:
    """A sentence a summary may quote: closed by a stop, not a byline, dateline or section label, quotes paired."""
    if not _CLOSED.search(sentence) or is_dateline(sentence) or is_section_label(sentence):
        return False
    if _BYLINE.match(sentence) and len(sentence.split()) <= BYLINE_MAX_WORDS:
        return False
    return quotes_balanced(sentence)


def quotes_balanced(text: str) -> bool:
    """Every double quotation mark opened is closed (single quotes double as apostrophes: not counted)."""
    return (
        text.count('"') % 2 == 0 and text.count("“") == text.count("”") and text.count("«") == text.count("»")
    )


def sentence_needs_antecedent(sentence: str) -> bool:
    """Whether the sentence opens with a pronoun or a quotation whose speaker is named elsewhere."""
    return _needs_antecedent(sentence)


def _needs_antecedent(sentence: str) -> bool:
    """ "He said…", a quotation "…," she said, or a bare quotation: who is meant is in the sentence before."""
    return bool(_PRONOUN.match(sentence) or _PRONOUN_QUOTE.search(sentence) or _BARE_QUOTE.match(sentence))


def sentences_score(
    *,
    title: str | None,
    sentences: list[str],
    vectors: list[dict[str, float]],
    options: SummaryOptions,
) -> list[float]:
    """Each sentence's summary-worthiness, scaled so the best has 1."""
    # The position prior counts prose sentences only: a caption, heading or page furniture above the
    # lead does not push the lead down.
    places: list[int] = []
    prose_before = 0
    for sentence in sentences:
        places.append(prose_before)
        prose_before += sentence_is_prose(sentence)
    prior = [1.0 / (1 + place) ** options.lead_decay for place in places]
    centrality = _lexrank(vectors, prior, damping=options.damping, edge_min=options.edge_min_similarity)
    title_vector = _tfidf_like(terms(title), vectors) if title else {}
    scores = []
    for i, sentence in enumerate(sentences):
        score = (
            options.lead_weight * prior[i]
            + options.centrality_weight * centrality[i]
            + options.title_weight * (cosine(title_vector, vectors[i]) if title_vector else 0.0)
        )
        length = len(sentence.split())
        if length < options.min_words or length > options.max_words:
            score *= 1.0 - options.length_penalty
        if sentence[:1] in "\"“‘'":
            score *= 1.0 - options.quote_penalty
        scores.append(score)
    top = max(scores) or 1.0
    return [s / top for s in scores]


def mmr_select(
    scores: list[float],
    vectors: list[dict[str, float]],
    *,
    count: int,
    mmr_lambda: float,
    allowed: Callable[[int, Collection[int]], bool] | None = None,
    seen: list[int] | None = None,
    enough: Callable[[list[int]], bool] | None = None,
) -> list[int]:
    """Greedy maximal marginal relevance: relevant sentences that do not repeat each other.

    `allowed(i, chosen)` says whether sentence i may be picked next; `seen` are sentences the reader
    already has (never picked, but counted as repeats); `enough(chosen)` stops before `count`.
    """
    chosen: list[int] = []
    seen = seen or []
    remaining = set(range(len(scores))) - set(seen)
    while remaining and len(chosen) < count and not (enough and chosen and enough(chosen)):
        pool = [i for i in remaining if allowed is None or allowed(i, chosen)]
        if not pool:
            break
        best = max(
            pool,
            key=lambda i: (
                mmr_lambda * scores[i]
                - (1 - mmr_lambda)
                * max((cosine(vectors[i], vectors[j]) for j in chosen + seen), default=0.0),
                -i,
            ),
        )
        chosen.append(best)
        remaining.discard(best)
    return chosen


# ---- vectors ----------------------------------------------------------------------------------------


def tfidf_vectors(docs: list[list[str]]) -> list[dict[str, float]]:
    """TF-IDF vectors of the sentences, IDF taken over the sentences of this one article."""
    n = len(docs)
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(set(doc))
    idf = {term: math.log((n + 1) / (count + 0.5)) for term, count in df.items()}
    return [{t: (1 + math.log(c)) * idf[t] for t, c in Counter(doc).items()} for doc in docs]


def _tfidf_like(words: list[str], vectors: list[dict[str, float]]) -> dict[str, float]:
    """A vector for text outside the article (the title), weighted by the article's IDF."""
    idf: dict[str, float] = {}
    n = len(vectors)
    for term in set(words):
        df = sum(1 for v in vectors if term in v)
        idf[term] = math.log((n + 1) / (df + 0.5)) if df else 0.0
    return {t: (1 + math.log(c)) * idf[t] for t, c in Counter(words).items() if idf[t] > 0}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    if not dot:
        return 0.0
    return dot / (math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values())))


def _lexrank(
    vectors: list[dict[str, float]], prior: list[float], *, damping: float, edge_min: float
) -> list[float]:
    """Position-biased PageRank over the cosine-similarity graph, scaled so the top sentence has 1."""
    n = len(vectors)
    weights = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            sim = cosine(vectors[i], vectors[j])
            if sim >= edge_min:
                weights[i][j] = weights[j][i] = sim
    totals = [sum(row) for row in weights]
    mass = sum(prior)
    teleport = [p / mass for p in prior]
    rank = teleport[:]
    for _ in range(50):
        new = [(1 - damping) * teleport[j] for j in range(n)]
        for i in range(n):
            if totals[i]:
                share = damping * rank[i] / totals[i]
                row = weights[i]
                for j in range(n):
                    if row[j]:
                        new[j] += share * row[j]
            else:  # a sentence with no neighbours hands its rank back through the teleport
                for j in range(n):
                    new[j] += damping * rank[i] * teleport[j]
        delta = sum(abs(a - b) for a, b in zip(new, rank, strict=True))
        rank = new
        if delta < 1e-6:
            break
    top = max(rank) or 1.0
    return [r / top for r in rank]


# ---- LLM --------------------------------------------------------------------------------------------

_SUMMARY_PROMPT = (
    "Summarise the news article below in at most {n} short sentences of plain prose. "
    "Use only facts stated in the article; do not add opinions or outside knowledge."
)


def _llm_summary(*, title: str | None, text: str, options: SummaryOptions, llm: LLMGateway) -> Summary:
    article = text[: options.llm_max_chars]
    user = (f"Title: {title}\n\n" if title else "") + f"Article:\n{article}"
    reply = llm.chat(
        [
            {"role": "system", "content": _SUMMARY_PROMPT.format(n=options.sentences)},
            {"role": "user", "content": user},
        ],
        max_tokens=options.llm_max_tokens,
    )
    lines = [line.strip().lstrip("-*• ").strip() for line in reply.splitlines()]
    sentences = sentences_split(" ".join(line for line in lines if line))
    if not sentences:
        raise LLMError("the model returned an empty summary")
    return Summary(sentences=sentences[: options.sentences], method=f"llm:{llm.model}", model=llm.model)
