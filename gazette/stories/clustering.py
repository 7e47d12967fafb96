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
Stories close after a quiet period (or, without dates, when too many are open) and leave the index.
After each assignment the story is compared with its nearest rivals and merged when they have grown
into one; a story that has grown two clearly separate halves is split. An optional split test
(`split_names`) looks at the name and number evidence alone, which tells two same-kind events apart far
better than words do: it bisects the story spectrally and splits when the halves share little and nearly
every member sits closer to its own half. Merges and splits are logged so a live store can follow them.
"""

from __future__ import annotations

import math
import re
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from gazette.stories.features import features_build

SPACES = ("text", "entity", "quantity")


@dataclass(frozen=True)
class ClusterOptions:
    """Every threshold of the clusterer, named; the defaults are tuned on half of ECB+ (bench/clustering.py)."""

    threshold: float = 0.22  # combined similarity an article needs to join a story
    text_weight: float = 1.0
    entity_weight: float = 1.0  # people, organisations, places: the "which event" evidence
    quantity_weight: float = 1.0  # numbers, years and dates
    vector_weight: float = 0.5  # sentence embedding, used only when article and story both have one
    vector_floor: float = 0.5  # embedding cosine at or below this counts as no evidence (0 after rescaling)
    when_conflict: float = 1.0  # factor on the similarity when both name years or dates and none agree (off)
    title_weight: float = 2.0  # a title word counts as this many body occurrences
    time_scale_hours: float = 48.0  # similarity halves for every this-many hours outside the story's span
    close_after_hours: float = 72.0  # a story with no article for this long closes
    max_open: int = 20_000  # without dates, the least recently updated stories close beyond this
    merge_threshold: float = 0.45  # story-to-story similarity at which two open stories merge
    merge_candidates: int = 3  # rivals checked for a merge after each assignment
    split_ratio: float = 0.45  # a story splits in two when their cross similarity is below this x within
    split_min_part: int = 3  # the smaller half of a split needs at least this many articles
    split_max_size: int = 32  # larger stories are not re-examined for splits
    split_every: int = 0  # re-examine a story for a split every this many arrivals (0: at sizes 4, 8, 16...)
    # The split test on name and number evidence only (off unless split_names): bisect the members
    # spectrally, then split when the halves' cross similarity is below split_name_ratio x within and at
    # least split_agreement of the members sit closer (by split_margin) to the rest of their own half.
    split_names: bool = False
    split_name_ratio: float = 0.4
    split_agreement: float = 0.9
    split_margin: float = 0.0
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
        self.split_log: list[tuple[str, str]] = []

    # -- public -----------------------------------------------------------------------------------------

    def add(self, doc: ClusterDoc) -> str:
        """Assign one article to a story and return the story's id."""
        if doc.id in self.story_of:
            return self.story_id(doc.id)
        self._close_quiet(doc.published)
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
        self._merge_check(best, [s for _, s in scored[: 1 + self.options.merge_candidates] if s is not best])
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
        """(absorbed, into) pairs in the order they happened."""
        return list(self.merge_log)

    def splits(self) -> list[tuple[str, str]]:
        """(from, new) pairs: `new` was split off `from`."""
        return list(self.split_log)

    def story(self, story_id: str) -> Story:
        """A story's state, for a store to persist."""
        return self.all_stories[story_id]

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
        ranked = sorted(scores, key=scores.__getitem__, reverse=True)
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
            if self._story_story_similarity(story, rival) >= self.options.merge_threshold:
                # The larger story absorbs the smaller; on a tie the older id survives (fewer ids change).
                big, small = sorted((story, rival), key=lambda x: (-len(x.members), _id_order(x.id)))
                self._merge(small, big)
                story = big

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
        small.members = []
        small.open = False
        self.open.pop(small.id, None)
        self.all_stories.pop(small.id, None)
        self._norms.pop(big.id, None)
        self._norms.pop(small.id, None)
        self.merge_log.append((small.id, big.id))

    def _split_due(self, story: Story) -> bool:
        every = self.options.split_every
        if every <= 0:
            return _power_of_two(story.members)
        n = len(story.members)
        return n >= 2 * self.options.split_min_part and n % every == 0

    def _split_check(self, story: Story) -> None:
        """Average-link the members into two groups; split when the groups are far apart."""
        opts = self.options
        members = [m for m in story.members if m in self.doc_features]
        if len(members) < 2 * opts.split_min_part:
            return
        norms = {m: self._doc_norms(self.doc_features[m]) for m in members}
        if opts.split_names:
            # Names and numbers say which event; words only say what kind, so they are left out here.
            pairs: dict[tuple[str, str], float] = {}

            def similarity(a: str, b: str) -> float:
                value = self._doc_doc_similarity(a, b, norms, spaces=("entity", "quantity"))
                pairs[a, b] = pairs[b, a] = value
                return value

            left, right = _bisect(members, similarity)
            small = min(left, right, key=len)
            if len(small) < opts.split_min_part:
                return
            inside = [
                pairs[a, b] for group in (left, right) for i, a in enumerate(group) for b in group[i + 1 :]
            ]
            cross = sum(pairs[a, b] for a in left for b in right) / (len(left) * len(right))
            if cross >= opts.split_name_ratio * sum(inside) / len(inside):
                return
            if _loo_agreement(left, right, pairs, opts.split_margin) < opts.split_agreement:
                return
        else:
            left, right, within, cross = _two_groups(
                members, lambda a, b: self._doc_doc_similarity(a, b, norms)
            )
            small = min(left, right, key=len)
            if len(small) < opts.split_min_part or cross >= opts.split_ratio * within:
                return
        new = self._story_new()
        moved = set(small)
        story.members = [m for m in story.members if m not in moved]
        for doc_id in small:
            feats = self.doc_features[doc_id]
            self._profile_add(story, feats, sign=-1.0)
            self._profile_add(new, feats)
            new.members.append(doc_id)
            self.story_of[doc_id] = new.id
            vector = self.doc_vectors.get(doc_id)
            if vector is not None and story.vector is not None:
                story.vector = story.vector - vector
                story.vectors -= 1
                new.vector = vector.copy() if new.vector is None else new.vector + vector
                new.vectors += 1
        new.first, new.last = story.first, story.last
        self.split_log.append((story.id, new.id))

    def _doc_doc_similarity(
        self, a: str, b: str, norms: dict[str, dict[str, float]], spaces: tuple[str, ...] = SPACES
    ) -> float:
        fa, fb = self.doc_features[a], self.doc_features[b]
        na, nb = norms[a], norms[b]
        cosines = {}
        for space in spaces:
            if na[space] and nb[space]:
                cosines[space] = self._cosine(space, fa[space], na[space], fb[space], nb[space])
        va, vb = self.doc_vectors.get(a), self.doc_vectors.get(b)
        vector_cos = None
        if va is not None and vb is not None and spaces == SPACES:
            vector_cos = float(va @ vb)
        return self._combine(cosines, vector_cos)

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
        for doc_id in story.members:
            self.doc_features.pop(doc_id, None)
            self.doc_vectors.pop(doc_id, None)


_WHEN = re.compile(r"(?:1[89]|20)\d\d|[a-z]{3} \d{1,2}")


def _is_when(term: str) -> bool:
    """Years ("2008") and day-month dates ("dec 11") among the quantity features."""
    return _WHEN.fullmatch(term) is not None


def _id_order(story_id: str) -> tuple[int, str]:
    digits = story_id.lstrip("abcdefghijklmnopqrstuvwxyz_-:")
    return (int(digits), story_id) if digits.isdigit() else (0, story_id)


def _power_of_two(members: list[str]) -> bool:
    n = len(members)
    return n >= 4 and n & (n - 1) == 0


def _two_groups(items: list[str], similarity: Any) -> tuple[list[str], list[str], float, float]:
    """Average-link the items down to two groups: (left, right, mean within-group, mean cross similarity)."""
    n = len(items)
    pairs: dict[tuple[int, int], float] = {}
    for i in range(n):
        for j in range(i + 1, n):
            pairs[i, j] = similarity(items[i], items[j])
    sim = dict(pairs)
    groups: dict[int, list[int]] = {i: [i] for i in range(n)}
    while len(groups) > 2:
        (gi, gj), _ = max(sim.items(), key=lambda kv: kv[1])
        a, b = len(groups[gi]), len(groups[gj])
        # Lance-Williams update for average link: the merged group's similarity is the size-weighted mean.
        for k in groups:
            if k in (gi, gj):
                continue
            ski = sim.pop((min(k, gi), max(k, gi)))
            skj = sim.pop((min(k, gj), max(k, gj)))
            sim[min(k, gi), max(k, gi)] = (a * ski + b * skj) / (a + b)
        del sim[gi, gj]
        groups[gi].extend(groups.pop(gj))
    left, right = groups.values()
    within = [pairs[min(i, j), max(i, j)] for g in (left, right) for x, i in enumerate(g) for j in g[x + 1 :]]
    cross = next(iter(sim.values()))
    mean_within = sum(within) / len(within) if within else 1.0
    return [items[i] for i in left], [items[j] for j in right], mean_within, cross


def _bisect(items: list[str], similarity: Any, rounds: int = 10) -> tuple[list[str], list[str]]:
    """Two groups by spectral bisection (the sign of the normalised graph's Fiedler vector), refined by
    moving each item to the group whose other members it is closer to on average. Unlike average link,
    which tends to cut off one outlier, this looks for the two halves that share the most inside."""
    import numpy as np

    n = len(items)
    w = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            w[i, j] = w[j, i] = max(similarity(items[i], items[j]), 0.0)
    graph = w + 1e-3  # keeps items with no evidence connected
    np.fill_diagonal(graph, 0.0)
    inv_sqrt = 1.0 / np.sqrt(graph.sum(axis=1))
    laplacian = np.eye(n) - inv_sqrt[:, None] * graph * inv_sqrt[None, :]
    _, vectors = np.linalg.eigh(laplacian)
    side = vectors[:, 1] * inv_sqrt >= 0
    for _ in range(rounds):
        if side.all() or not side.any():
            break
        in_true, in_false = side.sum(), n - side.sum()
        to_true = w[:, side].sum(axis=1)
        to_false = w[:, ~side].sum(axis=1)
        # Mean similarity to the rest of each group (an item does not count towards its own group).
        mean_true = to_true / np.maximum(in_true - side, 1)
        mean_false = to_false / np.maximum(in_false - ~side, 1)
        new_side = mean_true > mean_false
        if (new_side == side).all():
            break
        side = new_side
    return [items[i] for i in range(n) if side[i]], [items[i] for i in range(n) if not side[i]]


def _loo_agreement(
    left: list[str], right: list[str], pairs: dict[tuple[str, str], float], margin: float
) -> float:
    """Share of the items whose mean similarity to the rest of their own group beats, by more than
    `margin`, their mean similarity to the other group: a test that does not depend on the group sizes."""
    agree = 0
    for own, other in ((left, right), (right, left)):
        for item in own:
            rest = [pairs[item, x] for x in own if x != item]
            if not rest:
                continue
            inside = sum(rest) / len(rest)
            outside = sum(pairs[item, x] for x in other) / len(other)
            agree += inside - outside > margin
    return agree / (len(left) + len(right))


def _as_vector(vector: Any) -> Any:
    if vector is None:
        return None
    import numpy as np

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
