"""Grounded answers to a reader's question about one article: every answer cites the article's sentences.

Two methods, tried in this order:
  1. LLM (when a gateway is given): the best-matching sentences are numbered and the model must answer
     from them alone, citing numbers; citations are mapped back to the article's sentences and checked.
     A reply that cites nothing valid is not shown (it cannot be checked) and step 2 answers instead.
  2. Built-in ("extractive"): BM25 over the article's sentences with light stemming and synonym folding,
     boosted when a sentence holds what the question asks for (names for "who", dates for "when",
     numbers for "how many"), and more when it holds exactly that: a count of the thing "how many" asks
     about (gazette.ai.quantities), money or a percentage for "how much", a person or organisation the
     entity stage found for "who" (given as `names`; without them a capitalised word stands for a name).
     The answer is the supporting sentences themselves. When too little of the question is found in
     any sentence, it declines rather than quote something unrelated.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from gazette.ai.llm import LLMError, LLMGateway
from gazette.ai.quantities import quantities_extract
from gazette.ai.sentences import sentences_split
from gazette.text.stems import stem, terms
from gazette.text.tokens import words

log = logging.getLogger(__name__)

DECLINED = "The article does not say."
EXTRACTIVE_METHOD = "extractive"

# Share of the question's weight (IDF-weighted terms) the best sentence must contain to be an answer.
SUPPORT_MIN = 0.45
# A second sentence is cited too when it scores at least this share of the best and adds question terms.
SECOND_MIN_RATIO = 0.75
# Score multiplier for a sentence holding the kind of thing the question asks for.
CUE_BOOST = 0.5
# Further multiplier when it holds exactly what is asked: "Two passengers suffered minor injuries" and
# "64 passengers were on board" both count passengers, "31 turboprops" and "4.1 percent" do not.
TYPED_BOOST = 0.5
# News states its main facts first, so among near-equal matches an earlier sentence is preferred.
LEAD_BOOST = 0.2
BM25_K1 = 1.2
BM25_B = 0.5
# Sentences shown to the LLM, and its reply budget.
LLM_PASSAGES = 5
LLM_MAX_TOKENS = 160
_NOT_ANSWERED = "NOT IN ARTICLE"


@dataclass
class Answer:
    answer: str
    citations: list[str] = field(default_factory=list)
    answered: bool = True
    method: str = EXTRACTIVE_METHOD


# Words that differ in form but not in what a reader asks about. Each group folds to its first word.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("death", "dead", "die", "died", "dies", "kill", "killed", "killing", "fatality", "fatalities", "toll"),
    ("injure", "injured", "injuries", "injury", "hurt", "wounded", "wound"),
    ("buy", "bought", "purchase", "acquire", "acquired", "acquisition"),
    ("sell", "sold", "sale"),
    ("cost", "price", "priced", "worth", "value", "valued", "valuing", "fee", "pay", "paid", "charge"),
    ("begin", "began", "start", "started", "launch", "launched", "open", "opened"),
    ("end", "ended", "finish", "finished", "close", "closed", "conclude", "concluded"),
    ("win", "won", "victory", "beat", "defeat", "defeated"),
    ("lose", "lost", "loss"),
    ("say", "said", "says", "state", "stated", "announce", "announced", "tell", "told"),
    ("arrest", "arrested", "detain", "detained", "custody"),
    ("steal", "stole", "stolen", "theft", "heist", "robbery", "rob", "robbed"),
    ("quake", "earthquake", "tremor", "seismic"),
    ("fire", "wildfire", "blaze", "flames"),
    ("car", "vehicle", "automobile"),
    ("firm", "company", "business", "corporation"),
    ("vote", "votes", "ballot", "election", "poll"),
    ("law", "bill", "legislation", "act"),
    ("rise", "rose", "increase", "increased", "grow", "grew", "jump", "jumped", "climb", "climbed"),
    ("fall", "fell", "drop", "dropped", "decline", "declined", "decrease", "decreased", "cut"),
    ("recall", "recalled", "recalling", "recalls"),
    ("resign", "resigned", "quit"),
    ("people", "person", "residents", "persons"),
    ("plane", "aircraft", "airliner", "jet", "flight", "turboprop", "airplane"),
    ("strong", "strongest", "big", "biggest", "large", "largest", "powerful"),
    ("investigate", "investigating", "investigation", "investigator", "investigators", "inquiry", "probe"),
    ("lead", "led", "leads", "leading", "head", "headed", "heads", "run", "ran", "runs", "leader", "chief"),
    ("fail", "failed", "failure", "failing", "fault", "malfunction"),
    ("save", "saving", "savings"),
    ("merger", "merge", "deal", "takeover", "tie-up"),
    ("score", "scored", "goal", "goals"),
    ("award", "prize", "honour", "honor"),
    ("injection", "inject", "injected", "dose"),
    ("president", "director", "chair", "chairman"),
    ("evacuate", "evacuated", "evacuation", "flee", "fled", "leave"),
    ("drug", "medicine", "medication", "treatment"),
    ("deep", "depth"),
    ("trial", "study"),
)
_CANONICAL: dict[str, str] = {stem(w): stem(group[0]) for group in SYNONYMS for w in group}
# Question words that name the question, not its subject.
_QUESTION_NOISE = frozenset(
    stem(w)
    for w in [
        "article",
        "story",
        "report",
        "according",
        "happen",
        "happened",
        "mention",
        "mentioned",
        "tell",
        "describe",
        "kind",
        "type",
        "name",
        "exactly",
        "many",
        "much",
        "long",
        "far",
        "old",
        "number",
        "percentage",
    ]
)

_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty"
    r"|hundred|thousand|million|billion|dozens?|half|quarter)\b",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\b(?:19|20)\d\d\b|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february"
    r"|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug"
    r"|sept?|oct|nov|dec|yesterday|today|tonight|tomorrow|morning|afternoon|evening|night|dawn|midnight"
    r"|noon|week|month|year|weekend|a\.m|p\.m)\b|\d{1,2}:\d\d",
    re.IGNORECASE,
)
# A capitalised word that is not the first word of the sentence: a name, a place, an organisation.
_PROPER = re.compile(r"(?<=[\s(\"“‘])[A-Z][a-zà-ÿ]+")
# Capitalised words after the first word of a question.
_QUESTION_NAME = re.compile(r"(?<=\s)[A-Z][\w'’-]*[a-z][\w'’-]*")
_PLACE = re.compile(r"\b(?:in|at|near|from|outside|across)\s+(?:the\s+)?[A-Z]")


def question_kind(question: str) -> str | None:
    """What the question asks for: 'person', 'time', 'number', 'place', or None."""
    q = question.lower().strip()
    if re.match(r"(?:how (?:many|much|far|long|old|big|large|deep|high|fast)|what (?:percentage|number|amount"
                r"|share|proportion)|what (?:was|is|were) the (?:magnitude|death toll|toll|size|cost|price))", q):  # fmt: skip
        return "number"
    if re.match(r"(?:when|what (?:time|day|date|year|month)|(?:on|in) what (?:day|date|year))", q):
        return "time"
    if re.match(r"(?:who|whom|whose|which (?:person|official|minister|company|team|player))", q):
        return "person"
    if re.match(r"(?:where|in which (?:city|country|town|region)|what (?:city|country|town|region))", q):
        return "place"
    return None


# "how many passengers were …", "what number of seats …": the words naming what is counted.
_COUNTED = re.compile(
    r"^(?:how many|what number of)\s+(?:of\s+(?:the|these|those|its|their)\s+)?(?P<what>.+?)"
    r"(?:\s+(?:are|is|was|were|did|do|does|has|have|had|will|would|could|can|may|might)\b|[?.!]|$)",
    re.IGNORECASE,
)
COUNTED_TERMS = 2  # "how many crew members", "how many electric SUVs": the noun is within two words
_AMOUNT = re.compile(
    r"^(?:how much|how far did|by how much|what (?:percentage|share|proportion|amount|price|sum)"
    r"|what (?:was|is|were|will be) the (?:cost|price|value|fee|bill))\b",
    re.IGNORECASE,
)
_MONEY_OR_PERCENT = frozenset({"$", "€", "£", "¥", "%", "CHF", "kr", "₹"})
NAME_KINDS = {"person": ("person", "org"), "place": ("place",)}


@dataclass(frozen=True)
class Asked:
    """What the question asks for, read once per question."""

    kind: str | None
    counted: frozenset[str]  # folded terms of what "how many" counts
    amount: bool  # "how much": money or a percentage
    words: frozenset[str]  # the question's words: a name it gives itself is not an answer
    terms: frozenset[str]  # its content words, stemmed


def question_asked(question: str) -> Asked:
    """The question's kind and, for "how many" and "how much", exactly what it asks for."""
    q = " ".join(question.split())
    counted = _COUNTED.match(q)
    return Asked(
        kind=question_kind(q),
        counted=frozenset(_fold(terms(counted.group("what")))[:COUNTED_TERMS]) if counted else frozenset(),
        amount=bool(_AMOUNT.match(q)),
        words=frozenset(words(q)),
        terms=frozenset(terms(q)),
    )


@dataclass(frozen=True)
class Cue:
    """What a sentence holds of the kind the question asks for."""

    held: bool  # something of that kind: a number, a date, a capitalised name, a place
    values: frozenset[str] = frozenset()  # exactly what is asked, comparable between sentences


class NameFinder:
    """The entity stage's names of the kinds a question asks for, found in sentences by one regex."""

    def __init__(self, names: Mapping[str, str] | None, asked: Asked) -> None:
        kinds = NAME_KINDS.get(asked.kind or "", ())
        # a name the question itself gives ("the governor of the Reserve Bank") is not an answer to "who"
        wanted = [n for n, k in (names or {}).items() if k in kinds and not asked.terms & set(terms(n))]
        self.names: dict[str, str] = {}
        for name in wanted:
            self.names[name] = name.lower()
            parts = name.split()
            if (names or {})[name] == "person" and len(parts) > 1:
                self.names.setdefault(parts[-1], name.lower())  # the surname alone: "Vance said"
        forms = sorted(self.names, key=len, reverse=True)
        self.pattern = re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, forms))})(?!\w)") if forms else None

    def __bool__(self) -> bool:
        return bool(self.names)

    def find(self, sentence: str) -> frozenset[str]:
        return (
            frozenset(self.names[m.group()] for m in self.pattern.finditer(sentence))
            if self.pattern
            else frozenset()
        )


def sentence_cue(sentence: str, asked: Asked, names: NameFinder | None = None) -> Cue:
    """Whether the sentence holds what the question asks for, and the typed values it holds."""
    kind = asked.kind
    if kind == "number":
        if not _NUMBER.search(sentence):
            return Cue(False)
        if not asked.counted and not asked.amount:
            return Cue(True)
        found = frozenset(
            f"{q.unit} {q.value:g}"
            for q in quantities_extract(sentence)
            if (asked.amount and q.unit in _MONEY_OR_PERCENT)
            or (asked.counted and _CANONICAL.get(q.unit, q.unit) in asked.counted)
        )
        return Cue(True, found)
    if kind == "time":
        return Cue(bool(_DATE.search(sentence)))
    if kind in NAME_KINDS and names:
        found = names.find(sentence)
        return Cue(bool(found), found)
    if kind == "person":
        # a capital right after an opening quote starts the quotation, it is not a name
        return Cue(
            any(m.start() > 2 and m.group().lower() not in asked.words for m in _PROPER.finditer(sentence))
        )
    if kind == "place":
        return Cue(bool(_PLACE.search(sentence)))
    return Cue(False)


def _fold(words: list[str]) -> list[str]:
    return [_CANONICAL.get(w, w) for w in words]


@dataclass
class Ranked:
    index: int
    score: float
    support: float
    matched: frozenset[str]
    values: frozenset[str] = frozenset()  # what the sentence holds of exactly what is asked


def sentences_rank(
    *,
    sentences: list[str],
    question: str,
    positions: list[int] | None = None,
    names: Mapping[str, str] | None = None,
) -> list[Ranked]:
    """Sentences by how well they answer the question, best first (only those sharing a question term).

    `positions` gives each sentence's place in its own article when the sentences come from several
    (the lead preference is about an article's lead); by default it is the sentence's index. `names`
    maps the names the entity stage found in the text to their kind (person, org, place, other).
    """
    docs = [_fold(terms(s)) for s in sentences]
    query = [t for t in dict.fromkeys(_fold(terms(question))) if t not in _QUESTION_NOISE]
    if not docs or not query:
        return []
    n = len(docs)
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(set(doc))
    idf = {t: math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in query}
    total_weight = sum(idf.values())
    avg_len = sum(len(d) for d in docs) / n or 1.0
    asked = question_asked(question)
    finder = NameFinder(names, asked)
    ranked = []
    for i, doc in enumerate(docs):
        counts = Counter(doc)
        matched = frozenset(t for t in query if counts[t])
        if not matched:
            continue
        score = 0.0
        for t in matched:
            tf = counts[t]
            score += idf[t] * tf * (BM25_K1 + 1) / (tf + BM25_K1 * (1 - BM25_B + BM25_B * len(doc) / avg_len))
        cue = sentence_cue(sentences[i], asked, finder)
        if cue.held:
            score *= 1 + CUE_BOOST
        if cue.values:
            score *= 1 + TYPED_BOOST
        score *= 1 + LEAD_BOOST / (1 + (positions[i] if positions else i))
        support = sum(idf[t] for t in matched) / total_weight
        ranked.append(Ranked(index=i, score=score, support=support, matched=matched, values=cue.values))
    ranked.sort(key=lambda r: (-r.score, r.index))
    return ranked


def answer_question(
    *,
    text: str,
    question: str,
    title: str | None = None,
    llm: LLMGateway | None = None,
    names: Mapping[str, str] | None = None,
) -> Answer:
    """An answer grounded in the article's sentences, or a plain statement that the article does not say.

    `names` maps the names the entity stage found in the article to their kind."""
    sentences = sentences_split(text)
    ranked = sentences_rank(sentences=sentences, question=question, names=names)
    if llm is not None and sentences and question.strip():
        try:
            answer = _llm_answer(sentences=sentences, ranked=ranked, question=question, title=title, llm=llm)
        except LLMError as exc:
            log.warning("ask: no LLM reply (%s); using the built-in method", exc)
        else:
            if answer is not None:
                return answer
            log.info("ask: the LLM reply cited no valid sentence; using the built-in method")
    return _extractive_answer(sentences, ranked, question)


def names_missing(*, question: str, sentences: list[str]) -> list[str]:
    """Capitalised words of the question (names, places, bodies) that the article never mentions."""
    present = {t for s in sentences for t in _fold(terms(s))}
    missing = []
    for word in _QUESTION_NAME.findall(question):
        folded = _fold(terms(word))
        if folded and not any(t in present for t in folded):
            missing.append(word)
    return missing


def _extractive_answer(sentences: list[str], ranked: list[Ranked], question: str) -> Answer:
    if not ranked or ranked[0].support < SUPPORT_MIN or names_missing(question=question, sentences=sentences):
        return Answer(answer=DECLINED, citations=[], answered=False, method=EXTRACTIVE_METHOD)
    best = ranked[0]
    cited = [best.index]
    for other in ranked[1:3]:
        if other.score >= SECOND_MIN_RATIO * best.score and not other.matched <= best.matched:
            cited.append(other.index)
            break
    citations = [sentences[i] for i in cited]
    return Answer(answer=" ".join(citations), citations=citations, answered=True, method=EXTRACTIVE_METHOD)


_SYSTEM = (
    "You answer questions about a news article using ONLY the numbered sentences given. "
    "Cite the sentence numbers you used in square brackets, like [2]. "
    f"If the sentences do not answer the question, reply exactly: {_NOT_ANSWERED}"
)
_CITE = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


def _llm_answer(
    *, sentences: list[str], ranked: list[Ranked], question: str, title: str | None, llm: LLMGateway
) -> Answer | None:
    """The model's answer with checked citations; None when it cites nothing that exists."""
    picked = sorted(r.index for r in ranked[:LLM_PASSAGES]) or list(range(min(LLM_PASSAGES, len(sentences))))
    numbered = "\n".join(f"[{n}] {sentences[i]}" for n, i in enumerate(picked, start=1))
    user = (f"Title: {title}\n" if title else "") + f"Sentences:\n{numbered}\n\nQuestion: {question.strip()}"
    reply = llm.chat(
        [{"role": "system", "content": _SYSTEM}, {"role": "user", "content": user}], max_tokens=LLM_MAX_TOKENS
    )
    method = f"llm:{llm.model}"
    if _NOT_ANSWERED.lower() in reply.lower():
        return Answer(answer=DECLINED, citations=[], answered=False, method=method)
    answer, order = citations_renumber(reply, picked)
    if not order or not answer:
        return None
    return Answer(answer=answer, citations=[sentences[i] for i in order], answered=True, method=method)


def citations_renumber(reply: str, picked: list[int]) -> tuple[str, list[int]]:
    """Map the model's [n] marks (n-th passage shown) to passage indexes, renumbered 1.. by first citation.

    Marks that point at no passage are dropped. Returns the reply with the new marks and the cited
    indexes in citation order.
    """
    order: list[int] = []

    def renumber(match: re.Match[str]) -> str:
        kept = []
        for raw in match.group(1).split(","):
            n = int(raw)
            if 1 <= n <= len(picked):
                index = picked[n - 1]
                if index not in order:
                    order.append(index)
                kept.append(str(order.index(index) + 1))
        return f"[{', '.join(kept)}]" if kept else ""

    return _CITE.sub(renumber, reply).strip(), order
