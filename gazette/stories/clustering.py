"""Incremental story clustering: each arriving article joins the most similar open story or opens one.

An article is compared with open stories on four kinds of evidence, each a TF-IDF cosine against the
story's running profile: its words (title words count double), the proper names it mentions, the
numbers and dates it mentions, and optionally a sentence-embedding vector, rescaled so that the high
cosine any two news texts share counts as nothing (embeddings say what kind of event, rarely which one;
counted raw they made ECB+ worse). Words say what *kind* of event it is; names, places, numbers and
dates say *which* event, so two earthquakes in one week stay apart when their places and magnitudes
differ. Document frequencies are learnt as articles arrive.

Candidate stories come from an inverted index over the rarer features of OPEN stories only, so the
cost of one assignment depends on how many stories share its rare words, not on the archive size.
Stories close after a quiet period (or, without dates, when too many are open) and leave the index;
"now" is a low quantile of the recent arrivals' publication times, so a backlog polled late or an
outlet added with its history finds its stories still open. After each assignment the story is
compared with its nearest rivals and merged when they have grown into one, and small runner-up
stories (a singleton that arrived before the reports it belongs with) are folded into it when they
are now as close as a joining article must be: that gathers what arrival order alone kept apart
(ECB+ dev published through feeds and ingested live in four arrival orders: B-cubed F1 0.79-0.93
became 0.95-0.99; bench/live_order.py). Every few arrivals a story is re-examined for two events glued together (an article about
the second of two same-kind events often joins the first's story, since their words agree): inside
the story, what all members share says nothing, so each term is weighted by its rarity among the
members as well as in the collection, which leaves the names, places and days that tell the events
apart; the members are bisected spectrally on that, and the story splits when the halves share little,
two checks in a row cut it the same way, and the halves do not report on the same few days. Split
stories are not merged back. Merges and splits are logged so a live store can follow them.
"""

from __future__ import annotations

import math
import re
from collections import Counter, OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from gazette.stories.bisection import bisect, loo_agreement, same_halves
from gazette.stories.features import features_build
from gazette.text.lexicons import lexicon

SPACES = ("text", "entity", "quantity")


@dataclass(frozen=True)
class ClusterOptions:
    """Every threshold of the clusterer, named; the defaults are tuned on half of ECB+ (bench/clustering.py)."""

    threshold: float = 0.2  # combined similarity an article needs to join a story
    text_weight: float = 1.0
    entity_weight: float = 1.0  # people, organisations, places: the "which event" evidence
    quantity_weight: float = 1.0  # numbers, years and dates
    vector_weight: float = 0.5  # sentence embedding, used only when article and story both have one
    vector_floor: float = 0.5  # embedding cosine at or below this counts as no evidence (0 after rescaling)
    when_conflict: float = (
        1.0  # factor on the similarity when both name years or dates and none agree (1: off)
    )
    title_weight: float = 2.0  # a title word counts as this many body occurrences
    time_scale_hours: float = 48.0  # similarity halves for every this-many hours outside the story's span
    close_after_hours: float = 72.0  # a story with no article for this long closes
    # "Now", for closing, is this quantile of the publication times of the last clock_window arrivals,
    # not the newest one: articles arrive out of order (a backlog polled late, an outlet added with its
    # history), and one new article must not close the stories the late ones belong to.
    clock_window: int = 200
    clock_quantile: float = 0.1
    # Merge-back: a story this small that scored as a runner-up for an arriving article is compared
    # again with the story that article joined, and folded into it when it is now as similar as an
    # article must be to join (`threshold`): it would have joined that story had it arrived now, and
    # arrival order alone kept them apart (0: off).
    regroup_max_size: int = 2
    max_open: int = 20_000  # without dates, the least recently updated stories close beyond this
    merge_threshold: float = 0.45  # story-to-story similarity at which two open stories merge
    merge_candidates: int = 3  # rivals checked for a merge after each assignment
    # The split test: members are compared on what sets them apart inside the story (each term weighted
    # by its rarity in the collection times its rarity among the members, so the kind of event drops out
    # and which person, place or day is left), bisected spectrally, and split when the halves' cross
    # similarity is below split_ratio x their within similarity and at least split_agreement of the
    # members sit closer (by split_margin) to the rest of their own half.
    split_ratio: float = 0.33
    split_agreement: float = 0.9
    split_margin: float = 0.0
    split_min_part: int = 3  # the smaller half of a split needs at least this many articles
    split_max_size: int = 64  # larger stories are not re-examined for splits
    split_every: int = 4  # re-examine a story for a split every this many arrivals
    split_confirm: bool = True  # split only when two checks in a row cut the members the same way
    split_sticky: bool = True  # two stories split apart are never merged back
    # Halves whose most-mentioned dates lie within this many days of each other are one developing
    # story, not two events (-1: off).
    split_date_days: int = 1
    candidates: int = 16  # stories scored exactly per article
    lookup_terms: int = 48  # the article's rarest features used to find candidate stories
    max_posting: int = 200  # features shared by more open stories than this are not used for lookup
    max_df_ratio: float = 0.2  # features in more than this share of articles are not used for lookup
    profile_terms: int = 400  # text terms kept per story profile
    idf_smoothing: float = 1.0


@dataclass
class ClusterDoc:
    """One article to cluster; `vector` is an optional L2-normalised embedding."""

    id: str
    title: str
    text: str
    published: datetime | None = None
    source: str | None = None
    vector: Any = None


@dataclass
class Story:
    """A story's persistent state: member ids, time span, outlets and one term profile per space."""

    id: str
    members: list[str] = field(default_factory=list)
    first: datetime | None = None
    last: datetime | None = None
    sources: Counter[str] = field(default_factory=Counter)
    profiles: dict[str, dict[str, float]] = field(default_factory=lambda: {s: {} for s in SPACES})
    vector: Any = None  # sum of member vectors
    vectors: int = 0
    open: bool = True
    trimmed: bool = False  # grown past split_max_size: its members' own features are no longer kept


# ---- the clusterer ----------------------------------------------------------------------------------


class StoryClusterer:
    """Online single-pass clustering with merges, splits and closing; `add` is the whole interface."""

    def __init__(self, options: ClusterOptions | None = None, *, id_prefix: str = "s") -> None:
        self.options = options or ClusterOptions()
        self.id_prefix = id_prefix
        self.next_id = 1
        self.n_docs = 0
        self.df: dict[str, Counter[str]] = {s: Counter() for s in SPACES}
        # idf(t) = log(N + 1) + 1 - log(df(t) + smoothing); the log(df) part is cached per term.
        self._log_df: dict[str, dict[str, float]] = {s: {} for s in SPACES}
        self._log_unseen = math.log(self.options.idf_smoothing)
        self._log_n = 1.0
        self.story_of: dict[str, str] = {}
        self.all_stories: dict[str, Story] = {}
        self.open: OrderedDict[str, Story] = OrderedDict()  # least recently updated first
        self.postings: dict[str, dict[str, set[str]]] = {s: {} for s in SPACES}
        self.doc_features: dict[str, dict[str, dict[str, float]]] = {}  # members of open stories only
        self.doc_vectors: dict[str, Any] = {}
        self._norms: dict[str, tuple[int, dict[str, float]]] = {}
        self.merge_log: list[tuple[str, str]] = []
        # Stories split apart stay apart: a later article close to both must not glue them back.
        self.apart: dict[str, set[str]] = {}
        self._proposed: dict[str, tuple[set[str], set[str]]] = {}  # split_confirm: halves seen last time
        self.split_log: list[tuple[str, str]] = []
        self._recent: deque[datetime] = deque(maxlen=self.options.clock_window)

    def __getstate__(self) -> dict[str, Any]:
        # The log(df) cache is as large as the document frequencies it is computed from: not saved.
        state = dict(self.__dict__)
        del state["_log_df"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        # A state saved before the arrival clock existed starts one.
        self.__dict__.update(state)
        if "_recent" not in state:
            self._recent = deque(maxlen=self.options.clock_window)
        if "_log_df" not in state:
            smoothing = self.options.idf_smoothing
            self._log_df = {
                space: {term: math.log(n + smoothing) for term, n in self.df[space].items()}
                for space in SPACES
            }

    # -- public -----------------------------------------------------------------------------------------

    def add(self, doc: ClusterDoc) -> str:
        """Assign one article to a story and return the story's id."""
        if doc.id in self.story_of:
            return self.story_id(doc.id)
        self._close_quiet(self._clock(doc.published))
        feats = features_build(doc, self.options)
        vector = _as_vector(doc.vector)
        self.n_docs += 1
        self._log_n = math.log(self.n_docs + 1.0) + 1.0
        smoothing = self.options.idf_smoothing
        for space in SPACES:
            df, log_df = self.df[space], self._log_df[space]
            for term in feats[space]:
                df[term] += 1
                log_df[term] = math.log(df[term] + smoothing)

        doc_norms = self._doc_norms(feats)
        scored = sorted(
            (
                (self._doc_story_similarity(feats, doc_norms, vector, doc.published, s), s)
                for s in self._candidates(feats)
            ),
            key=lambda pair: pair[0],
            reverse=True,
        )
        best = scored[0][1] if scored and scored[0][0] >= self.options.threshold else self._story_new()
        self._story_add(best, doc, feats, vector)
        # An article close to two stories may be the bridge that shows they are one: check its runners-up.
        rivals = [s for _, s in scored[: 1 + self.options.merge_candidates] if s is not best]
        self._merge_check(best, rivals)
        self._regroup(self.all_stories[self.story_id(doc.id)], rivals)
        story = self.all_stories[self.story_id(doc.id)]
        while len(self.open) > self.options.max_open:
            self._close(next(iter(self.open.values())))
        if story.open and len(story.members) <= self.options.split_max_size and self._split_due(story):
            self._split_check(story)
        return self.story_id(doc.id)

    def story_id(self, doc_id: str) -> str:
        """The current story of an article (following merges)."""
        return self.story_of[doc_id]

    def stories(self) -> dict[str, list[str]]:
        """Every live story (open or closed) with its member ids in arrival order."""
        return {sid: list(s.members) for sid, s in self.all_stories.items() if s.members}

    def merges(self) -> list[tuple[str, str]]:
        """(absorbed, into) pairs in the order they happened (since the last `history_forget`)."""
        return list(self.merge_log)

    def closed_forget(self) -> list[str]:
        """Drop the closed stories and their members' ids, returning the story ids dropped.

        A closed story is never compared, merged or split again (its profiles are already freed), so
        forgetting it changes no later assignment; a store that has written it needs it no more, and
        the clusterer's memory then holds the open stories only, however long the stream runs."""
        closed = [sid for sid, story in self.all_stories.items() if not story.open]
        for sid in closed:
            for doc_id in self.all_stories.pop(sid).members:
                self.story_of.pop(doc_id, None)
        return closed

    def history_forget(self) -> None:
        """Empty the merge and split logs (a store that has followed them needs them no more)."""
        self.merge_log.clear()
        self.split_log.clear()

    def splits(self) -> list[tuple[str, str]]:
        """(from, new) pairs: `new` was split off `from`."""
        return list(self.split_log)

    def story(self, story_id: str) -> Story:
        """A story's state, for a store to persist."""
        return self.all_stories[story_id]

    def story_adopt(self, doc_ids: list[str]) -> str:
        """Take in a closed story of already-assigned articles the clusterer has forgotten (an
        operator's merge reaching back past the window); returns its new id."""
        story = self._story_new()
        self._close(story)
        for doc_id in doc_ids:
            story.members.append(doc_id)
            self.story_of[doc_id] = story.id
        return story.id

    def merge(self, absorbed_id: str, into_id: str) -> None:
        """Merge one story into another by an operator's decision, which is final: the survivor is
        never split again (its members' own features are dropped), and an open survivor keeps growing."""
        small, big = self.all_stories[absorbed_id], self.all_stories[into_id]
        self.apart.get(small.id, set()).discard(big.id)
        self.apart.get(big.id, set()).discard(small.id)
        if not big.open:
            self._close(small)  # a closed story is never compared again: nothing of small to index
        self._merge(small, big)
        self._features_trim(big, [], force=True)

    # -- similarity -------------------------------------------------------------------------------------

    def _idf(self, space: str, term: str) -> float:
        return self._log_n - self._log_df[space].get(term, self._log_unseen)

    def _doc_norms(self, feats: dict[str, dict[str, float]]) -> dict[str, float]:
        out = {}
        for space in SPACES:
            total = 0.0
            log_n, log_df, unseen = self._log_n, self._log_df[space], self._log_unseen
            for term, w in feats[space].items():
                x = w * (log_n - log_df.get(term, unseen))
                total += x * x
            out[space] = math.sqrt(total)
        return out

    def _story_norms(self, story: Story) -> dict[str, float]:
        # Cached until the story changes or the collection grows by a tenth (which moves the IDFs).
        cached = self._norms.get(story.id)
        if cached and cached[0] * 1.1 >= self.n_docs:
            return cached[1]
        norms = {}
        for space in SPACES:
            total = 0.0
            log_n, log_df, unseen = self._log_n, self._log_df[space], self._log_unseen
            for term, w in story.profiles[space].items():
                x = w * (log_n - log_df.get(term, unseen))
                total += x * x
            norms[space] = math.sqrt(total)
        self._norms[story.id] = (self.n_docs, norms)
        return norms

    def _cosine(
        self, space: str, a: dict[str, float], a_norm: float, b: dict[str, float], b_norm: float
    ) -> float:
        if not a_norm or not b_norm:
            return 0.0
        if len(a) > len(b):
            a, b = b, a
        dot = 0.0
        log_n, log_df, unseen = self._log_n, self._log_df[space], self._log_unseen
        for term, w in a.items():
            other = b.get(term)
            if other is not None:
                idf = log_n - log_df.get(term, unseen)
                dot += w * other * idf * idf
        return dot / (a_norm * b_norm)

    def _combine(self, cosines: dict[str, float], vector_cos: float | None) -> float:
        opts = self.options
        weights = {"text": opts.text_weight, "entity": opts.entity_weight, "quantity": opts.quantity_weight}
        num = sum(weights[s] * c for s, c in cosines.items())
        den = sum(weights[s] for s in cosines)
        if vector_cos is not None:
            # Any two news texts embed at a cosine of 0.3-0.6; only what lies above the floor is evidence.
            num += opts.vector_weight * max(0.0, (vector_cos - opts.vector_floor) / (1.0 - opts.vector_floor))
            den += opts.vector_weight
        return num / den if den else 0.0

    def _time_factor(self, published: datetime | None, story: Story) -> float:
        if published is None or story.first is None or story.last is None:
            return 1.0
        if story.first <= published <= story.last:
            return 1.0
        gap = (story.first - published) if published < story.first else (published - story.last)
        return float(0.5 ** (gap.total_seconds() / 3600.0 / self.options.time_scale_hours))

    def _doc_story_similarity(
        self,
        feats: dict[str, dict[str, float]],
        doc_norms: dict[str, float],
        vector: Any,
        published: datetime | None,
        story: Story,
    ) -> float:
        story_norms = self._story_norms(story)
        cosines = {}
        for space in SPACES:
            # A space the article has nothing in (no names, no numbers) is not held against it.
            if doc_norms[space]:
                cosines[space] = self._cosine(
                    space, feats[space], doc_norms[space], story.profiles[space], story_norms[space]
                )
        vector_cos = None
        if vector is not None and story.vector is not None:
            vector_cos = float(vector @ story.vector) / max(float((story.vector @ story.vector) ** 0.5), 1e-9)
        factor = self._time_factor(published, story) * self._when_factor(
            feats["quantity"], story.profiles["quantity"]
        )
        return self._combine(cosines, vector_cos) * factor

    def _when_factor(self, a: dict[str, float], b: dict[str, float]) -> float:
        """Two texts that both name years or dates, none in common, are likely about different events."""
        if self.options.when_conflict >= 1.0:
            return 1.0
        a_when = [t for t in a if _is_when(t)]
        if not a_when:
            return 1.0
        b_when = [t for t in b if _is_when(t)]
        if not b_when or any(t in b for t in a_when):
            return 1.0
        return self.options.when_conflict

    def _story_story_similarity(self, a: Story, b: Story) -> float:
        a_norms, b_norms = self._story_norms(a), self._story_norms(b)
        cosines = {}
        for space in SPACES:
            if a_norms[space] and b_norms[space]:
                cosines[space] = self._cosine(
                    space, a.profiles[space], a_norms[space], b.profiles[space], b_norms[space]
                )
        vector_cos = None
        if a.vector is not None and b.vector is not None:
            na = float((a.vector @ a.vector) ** 0.5)
            nb = float((b.vector @ b.vector) ** 0.5)
            vector_cos = float(a.vector @ b.vector) / max(na * nb, 1e-9)
        time_factor = 1.0
        if a.last is not None and b.first is not None and b.last is not None:
            time_factor = min(self._time_factor(a.first, b), self._time_factor(a.last, b))
        when_factor = self._when_factor(a.profiles["quantity"], b.profiles["quantity"])
        return self._combine(cosines, vector_cos) * time_factor * when_factor

    # -- candidates and the index -----------------------------------------------------------------------

    def _lookup_terms(self, feats: dict[str, dict[str, float]]) -> list[tuple[float, str, str]]:
        """The article's most telling rare features, strongest first."""
        max_df = max(self.options.max_df_ratio * self.n_docs, 3.0)
        terms = []
        for space in SPACES:
            df = self.df[space]
            for term, w in feats[space].items():
                if df.get(term, 0) <= max_df:
                    idf = self._idf(space, term)
                    terms.append((w * idf * idf, space, term))
        terms.sort(reverse=True)
        return terms[: self.options.lookup_terms]

    def _candidates(self, feats: dict[str, dict[str, float]]) -> list[Story]:
        scores: dict[str, float] = {}
        for weight, space, term in self._lookup_terms(feats):
            posting = self.postings[space].get(term)
            if posting and len(posting) <= self.options.max_posting:
                for sid in posting:
                    scores[sid] = scores.get(sid, 0.0) + weight
        # Postings are sets, whose order is the process's string hashing (PYTHONHASHSEED): ties go to
        # the older story, so that one input clusters the same way in every process.
        ranked = sorted(scores, key=lambda sid: (-scores[sid], _id_order(sid)))
        return [self.open[sid] for sid in ranked[: self.options.candidates]]

    def _index(self, story: Story, space: str, term: str) -> None:
        self.postings[space].setdefault(term, set()).add(story.id)

    def _unindex(self, story: Story) -> None:
        for space in SPACES:
            postings = self.postings[space]
            for term in story.profiles[space]:
                posting = postings.get(term)
                if posting is not None:
                    posting.discard(story.id)
                    if not posting:
                        del postings[term]

    # -- story changes ----------------------------------------------------------------------------------

    def _story_new(self) -> Story:
        story = Story(id=f"{self.id_prefix}{self.next_id}")
        self.next_id += 1
        self.all_stories[story.id] = story
        self.open[story.id] = story
        return story

    def _story_add(
        self, story: Story, doc: ClusterDoc, feats: dict[str, dict[str, float]], vector: Any
    ) -> None:
        story.members.append(doc.id)
        self.story_of[doc.id] = story.id
        if doc.published is not None:
            story.first = doc.published if story.first is None else min(story.first, doc.published)
            story.last = doc.published if story.last is None else max(story.last, doc.published)
        if doc.source:
            story.sources[doc.source] += 1
        self._profile_add(story, feats)
        if vector is not None:
            story.vector = vector.copy() if story.vector is None else story.vector + vector
            story.vectors += 1
            self.doc_vectors[doc.id] = vector
        self.doc_features[doc.id] = feats
        self._features_trim(story, [doc.id])
        self.open.move_to_end(story.id)

    def _profile_add(self, story: Story, feats: dict[str, dict[str, float]], sign: float = 1.0) -> None:
        for space in SPACES:
            profile = story.profiles[space]
            for term, w in feats[space].items():
                value = profile.get(term, 0.0) + sign * w
                if value > 1e-9:
                    if term not in profile:
                        self._index(story, space, term)
                    profile[term] = value
                elif term in profile:
                    del profile[term]
                    posting = self.postings[space].get(term)
                    if posting:
                        posting.discard(story.id)
        text = story.profiles["text"]
        if len(text) > self.options.profile_terms * 3 // 2:
            # Keep the profile bounded: drop the weakest terms (weight x IDF) from profile and index.
            ranked = sorted(text, key=lambda t: text[t] * self._idf("text", t), reverse=True)
            for term in ranked[self.options.profile_terms :]:
                del text[term]
                posting = self.postings["text"].get(term)
                if posting:
                    posting.discard(story.id)
        self._norms.pop(story.id, None)

    def _merge_check(self, story: Story, rivals: list[Story]) -> None:
        for rival in rivals:
            if rival.id not in self.open or story.id not in self.open:
                continue
            if rival.id in self.apart.get(story.id, ()):
                continue
            if self._story_story_similarity(story, rival) >= self.options.merge_threshold:
                # The larger story absorbs the smaller; on a tie the older id survives (fewer ids change).
                big, small = sorted((story, rival), key=lambda x: (-len(x.members), _id_order(x.id)))
                self._merge(small, big)
                story = big

    def _regroup(self, story: Story, rivals: list[Story]) -> None:
        """Fold small runner-up stories into the story that just grew, when they are now close enough."""
        opts = self.options
        for rival in rivals:
            if rival.id not in self.open or story.id not in self.open or rival.id == story.id:
                continue
            if len(rival.members) > opts.regroup_max_size or len(rival.members) > len(story.members):
                continue
            if rival.id in self.apart.get(story.id, ()):
                continue
            if self._story_story_similarity(rival, story) >= opts.threshold:
                self._merge(rival, story)

    def _features_trim(self, story: Story, doc_ids: list[str], *, force: bool = False) -> None:
        """Forget members' own features once their story is too large to be split (or `force`): only
        its profiles are compared from then on, and a long-running story's members would fill memory."""
        if not (story.trimmed or force or len(story.members) > self.options.split_max_size):
            return
        if not story.trimmed:
            story.trimmed = True
            doc_ids = story.members
        for doc_id in doc_ids:
            self.doc_features.pop(doc_id, None)
            self.doc_vectors.pop(doc_id, None)

    def _merge(self, small: Story, big: Story) -> None:
        self._unindex(small)
        for doc_id in small.members:
            self.story_of[doc_id] = big.id
            big.members.append(doc_id)
        for space in SPACES:
            profile = big.profiles[space]
            for term, w in small.profiles[space].items():
                if term not in profile:
                    self._index(big, space, term)
                profile[term] = profile.get(term, 0.0) + w
        big.sources.update(small.sources)
        if small.vector is not None:
            big.vector = small.vector.copy() if big.vector is None else big.vector + small.vector
            big.vectors += small.vectors
        for stamp in (small.first, small.last):
            if stamp is not None:
                big.first = stamp if big.first is None else min(big.first, stamp)
                big.last = stamp if big.last is None else max(big.last, stamp)
        self._features_trim(big, small.members, force=small.trimmed)
        small.members = []
        small.open = False
        self.open.pop(small.id, None)
        self.all_stories.pop(small.id, None)
        self._norms.pop(big.id, None)
        self._norms.pop(small.id, None)
        self.merge_log.append((small.id, big.id))
        self._proposed.pop(small.id, None)
        self._proposed.pop(big.id, None)  # its members changed: start the confirmation again
        for other in self.apart.pop(small.id, set()):
            self.apart[other].discard(small.id)
            self.apart[other].add(big.id)
            self.apart.setdefault(big.id, set()).add(other)

    def _split_due(self, story: Story) -> bool:
        n = len(story.members)
        # Large stories change slowly: every eighth of their size is often enough, and the test costs n².
        return n >= 2 * self.options.split_min_part and n % max(self.options.split_every, n // 8) == 0

    def _split_check(self, story: Story) -> None:
        """Bisect the members on what sets them apart; split when the halves share little."""
        opts = self.options
        members = [m for m in story.members if m in self.doc_features]
        if len(members) < 2 * opts.split_min_part:
            return
        sim = self._local_similarities(members)
        side = bisect(sim)
        left = [m for m, s in zip(members, side, strict=True) if s]
        right = [m for m, s in zip(members, side, strict=True) if not s]
        if min(len(left), len(right)) < opts.split_min_part:
            return
        inside = np.concatenate([sim[np.ix_(g, g)][np.triu_indices(g.sum(), 1)] for g in (side, ~side)])
        cross = float(sim[np.ix_(side, ~side)].mean())
        if cross >= opts.split_ratio * float(inside.mean()):
            return
        if loo_agreement(sim, side, opts.split_margin) < opts.split_agreement:
            return
        if opts.split_date_days >= 0:
            # Halves reporting on the same few days are one developing story (checked into one clinic
            # on May 2, moved to another on May 3), not two events.
            day_left, day_right = self._main_day(left), self._main_day(right)
            if day_left is not None and day_right is not None:
                gap = abs(day_left - day_right)
                if min(gap, 366 - gap) <= opts.split_date_days:
                    return
        if opts.split_confirm:
            # Noise finds a different cut each time; two events are cut the same way twice.
            before, self._proposed[story.id] = self._proposed.get(story.id), (set(left), set(right))
            if before is None or not same_halves(before, left, right):
                return
        new = self._story_new()
        self._members_move(story, new, min(left, right, key=len))
        new.first, new.last = story.first, story.last
        self._proposed.pop(story.id, None)
        self.split_log.append((story.id, new.id))
        if opts.split_sticky:
            self.apart.setdefault(story.id, set()).add(new.id)
            self.apart.setdefault(new.id, set()).add(story.id)

    def _members_move(self, source: Story, target: Story, doc_ids: list[str]) -> None:
        moved = set(doc_ids)
        source.members = [m for m in source.members if m not in moved]
        for doc_id in doc_ids:
            feats = self.doc_features[doc_id]
            self._profile_add(source, feats, sign=-1.0)
            self._profile_add(target, feats)
            target.members.append(doc_id)
            self.story_of[doc_id] = target.id
            vector = self.doc_vectors.get(doc_id)
            if vector is not None and source.vector is not None:
                source.vector = source.vector - vector
                source.vectors -= 1
                target.vector = vector.copy() if target.vector is None else target.vector + vector
                target.vectors += 1

    def _local_similarities(self, members: list[str]) -> Any:
        """Members' pairwise similarity with each term weighted by its collection IDF times its IDF
        within the story: what every member shares (the kind of event) drops out, and what only some
        share (which person, which place, which day) is left. Spaces count equally."""
        n = len(members)
        sim = np.zeros((n, n))
        for space in SPACES:
            vocabulary: dict[str, int] = {}
            rows, columns, values = [], [], []
            for i, m in enumerate(members):
                for term, w in self.doc_features[m][space].items():
                    rows.append(i)
                    columns.append(vocabulary.setdefault(term, len(vocabulary)))
                    values.append(w)
            if not vocabulary:
                continue
            x = np.zeros((n, len(vocabulary)))
            x[rows, columns] = values
            df = np.count_nonzero(x, axis=0)
            keep = df > 1  # a term only one member has cannot hold a group together
            if not keep.any():
                continue
            terms = [t for t, k in zip(vocabulary, keep, strict=True) if k]
            x = x[:, keep] * (
                np.array([self._idf(space, t) for t in terms]) * np.log((n + 1) / (df[keep] + 0.5))
            )
            norms = np.linalg.norm(x, axis=1, keepdims=True)
            x = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
            sim += x @ x.T
        sim /= len(SPACES)
        np.fill_diagonal(sim, 0.0)
        return sim

    def _main_day(self, members: list[str]) -> int | None:
        """The day of the year (in a leap year) most members mention, if a third of them mention it."""
        days: Counter[int] = Counter()
        for m in members:
            days.update({day for term in self.doc_features[m]["quantity"] if (day := _day_of_year(term))})
        if not days:
            return None
        day, count = days.most_common(1)[0]
        return day if count >= max(2, len(members) / 3) else None

    def _clock(self, published: datetime | None) -> datetime | None:
        """The time up to which the stream has arrived: a low quantile of recent publication times."""
        if published is None:
            return None
        self._recent.append(published)
        ordered = sorted(self._recent)
        return ordered[int(self.options.clock_quantile * (len(ordered) - 1))]

    def _close_quiet(self, now: datetime | None) -> None:
        cutoff = now - timedelta(hours=self.options.close_after_hours) if now is not None else None
        while self.open:
            sid, story = next(iter(self.open.items()))
            quiet = cutoff is not None and story.last is not None and story.last < cutoff
            if not quiet and len(self.open) <= self.options.max_open:
                break
            self._close(story)

    def _close(self, story: Story) -> None:
        self._unindex(story)
        self.open.pop(story.id, None)
        self._norms.pop(story.id, None)
        story.open = False
        # A closed story is never compared again: keep its members, free its profiles.
        story.profiles = {space: {} for space in SPACES}
        story.vector = None
        self._proposed.pop(story.id, None)
        for other in self.apart.pop(story.id, set()):
            self.apart.get(other, set()).discard(story.id)
        for doc_id in story.members:
            self.doc_features.pop(doc_id, None)
            self.doc_vectors.pop(doc_id, None)


_YEAR = re.compile(r"(?:1[89]|20)\d\d")


def _is_when(term: str) -> bool:
    """Years ("2008") and day-month dates ("December 11") among the quantity features."""
    return _YEAR.fullmatch(term) is not None or _day_of_year(term) is not None


_MONTHS = tuple(month.capitalize() for month in lexicon("calendar")["months"])
# Days before each month's first in a leap year, so that any date has one day-of-year number.
_MONTH_START = dict(zip(_MONTHS, (0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335), strict=True))


def _day_of_year(term: str) -> int | None:
    """1-366 for a day-month date feature ("May 3"), else None."""
    month, _, day = term.partition(" ")
    start = _MONTH_START.get(month)
    return start + int(day) if start is not None and day.isdigit() else None


def _id_order(story_id: str) -> tuple[int, str]:
    """Stories in creation order: by the counter that ends the id, whatever prefix comes before it."""
    digits = re.search(r"\d+$", story_id)
    return (int(digits.group()), story_id) if digits else (0, story_id)


def _as_vector(vector: Any) -> Any:
    if vector is None:
        return None
    return np.asarray(vector, dtype=np.float32)


def cluster(docs: Iterable[ClusterDoc], options: ClusterOptions | None = None) -> dict[str, str]:
    """Cluster a batch the way the live system would see it: by `published` when present, else in order."""
    items = list(docs)
    order = sorted(
        range(len(items)),
        key=lambda i: (items[i].published is None, items[i].published or datetime.min, i),
    )
    clusterer = StoryClusterer(options)
    for i in order:
        clusterer.add(items[i])
    return {doc.id: clusterer.story_id(doc.id) for doc in items}
