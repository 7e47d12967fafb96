"""Syndicated copies: recognise republished wire text (new headline, trimmed tail, promo lines, edited words).

Candidates come from MinHash LSH over word shingles of the body (near-linear at scale); each candidate is then
confirmed by exact containment: the share of the shorter text's words that lie in shingles found in the longer
one. Containment rather than Jaccard, because a trimmed copy holds only part of the original yet nearly every
word it keeps is the original's. Different articles about one event share names, numbers and quotes but few 5-word runs, so they stay
apart; the story clustering stage groups them instead. Titles are ignored: copies get new headlines by design.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

import numpy as np
from datasketch import MinHash
from datasketch.lsh import _optimal_param

from gazette.text.tokens import pieces

_SCHEME = "affine32"


@dataclass(frozen=True)
class CopyOptions:
    """Every threshold of copy detection, named and tunable."""

    shingle_words: int = 5  # words per shingle; 5 makes shared names and numbers alone too short to match
    num_perm: int = 128  # MinHash permutations
    lsh_threshold: float = 0.25  # Jaccard around which candidate generation switches on...
    lsh_recall_weight: float = 0.95  # ...weighing missed candidates this much against extra ones
    max_candidates: int = 200  # exact checks per document at most, those sharing the most bands first
    containment_min: float = 0.7  # share of the SHORTER text's words in shingles also found in the longer
    min_words: int = 10  # fewer words than this is too little evidence: never a copy, never copied
    short_words: int = 50  # a text with fewer words than this is "short"...
    short_jaccard_min: float = 0.8  # ...and is a copy only when near-identical (Jaccard of shingle sets)
    seed: int = 1  # MinHash permutation seed; results are reproducible run to run


@dataclass
class Doc:
    """One article as copy detection sees it."""

    id: str
    title: str
    text: str
    url: str | None = None
    published: datetime | None = None
    source: str | None = None


@dataclass
class _Entry:
    id: str
    published: datetime | None
    aged: datetime | None  # the time it ages from: its date, or for an undated one the newest date seen then
    seq: int
    words: int
    shingles: np.ndarray  # sorted unique uint32 shingle hashes; empty when too short to compare
    order: np.ndarray  # the text's shingles as indexes into shingles, in text order
    group: int


@dataclass
class _Group:
    root: int  # seq of the original
    root_id: str
    root_published: datetime | None
    members: list[int] = field(default_factory=list)  # seqs still indexed


@lru_cache(maxsize=8)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    return MinHash(num_perm=num_perm, seed=seed, scheme=_SCHEME).permutations  # type: ignore[no-any-return]


@lru_cache(maxsize=8)
def _bands(threshold: float, recall_weight: float, num_perm: int) -> tuple[int, int]:
    # datasketch finds (bands, rows) by numerical integration; done once per setting, not once per index.
    return _optimal_param(threshold, num_perm, 1.0 - recall_weight, recall_weight)  # type: ignore[no-any-return]


class _Bands:
    """LSH band tables: the documents sharing a band of MinHash values with a query.

    Used instead of datasketch's MinHashLSH, whose dict-of-sets storage measured about 12 KB per document
    at 37 bands (1.2 GB for 100,000 articles). Here a band entry costs 12 bytes: recent entries sit in a
    dict, older ones in sorted numpy segments merged like a binary counter, so inserts stay amortised
    O(log n) and a query is one binary search per segment.
    """

    _TAIL = 1024  # documents held in the dict before they become a sorted segment
    # Sorted: documents dropped but still in the segments (an index saved before had none).
    _dropped: np.ndarray = np.empty(0, dtype=np.uint32)

    def __init__(self, bands: int, rows: int) -> None:
        self.bands, self.rows = bands, rows
        self._salt = np.arange(bands, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        self._tail: dict[int, list[int]] = {}
        self._tail_docs = 0
        self._segments: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted keys, documents)

    def keys(self, hashvalues: np.ndarray) -> np.ndarray:
        """One 64-bit key per band, from that band's rows of MinHash values."""
        rows = hashvalues[: self.bands * self.rows].astype(np.uint64).reshape(self.bands, self.rows)
        acc = self._salt.copy()
        with np.errstate(over="ignore"):
            for r in range(self.rows):
                acc = (acc ^ rows[:, r]) * _MIX1
                acc ^= acc >> np.uint64(29)
        return acc

    def insert(self, doc: int, keys: np.ndarray) -> None:
        for key in keys.tolist():
            self._tail.setdefault(key, []).append(doc)
        self._tail_docs += 1
        if self._tail_docs >= self._TAIL:
            self._flush()

    def _flush(self) -> None:
        pairs = [(k, d) for k, docs in self._tail.items() for d in docs]
        keys = np.fromiter((k for k, _ in pairs), dtype=np.uint64, count=len(pairs))
        docs = np.fromiter((d for _, d in pairs), dtype=np.uint32, count=len(pairs))
        self._tail, self._tail_docs = {}, 0
        self._segments.append((keys, docs))
        while len(self._segments) > 1 and len(self._segments[-2][0]) <= 2 * len(self._segments[-1][0]):
            (k1, d1), (k2, d2) = self._segments.pop(), self._segments.pop()
            self._segments.append((np.concatenate([k2, k1]), np.concatenate([d2, d1])))
        keys, docs = self._segments[-1]
        order = np.argsort(keys, kind="stable")
        self._segments[-1] = (keys[order], docs[order])

    def drop(self, docs: set[int]) -> None:
        """Forget documents: their entries leave the tail now, and the segments once the dropped ones
        are as many as those kept there; until then queries leave them out. Rewriting the segments at
        every drop rewrote the largest, oldest one (and the saved state with it) batch after batch."""
        if not docs:
            return
        self._tail = {k: kept for k, ds in self._tail.items() if (kept := [d for d in ds if d not in docs])}
        self._dropped = np.union1d(self._dropped, np.fromiter(docs, dtype=np.uint32, count=len(docs)))
        entries = sum(len(seg_docs) for _, seg_docs in self._segments)
        if len(self._dropped) * self.bands * 2 < entries:
            return
        self._segments = [
            (keys[keep], seg_docs[keep])
            for keys, seg_docs in self._segments
            if (keep := ~np.isin(seg_docs, self._dropped)).any()
        ]
        self._dropped = _NONE

    def query(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Documents sharing at least one band with keys, and how many bands each shares."""
        found: list[np.ndarray] = []
        for seg_keys, seg_docs in self._segments:
            lo = np.searchsorted(seg_keys, keys, "left")
            hi = np.searchsorted(seg_keys, keys, "right")
            for i in np.flatnonzero(hi > lo):
                found.append(seg_docs[lo[i] : hi[i]])
        for key in keys.tolist():
            if key in self._tail:
                found.append(np.asarray(self._tail[key], dtype=np.uint32))
        if not found:
            return _NONE, _NONE
        docs, counts = np.unique(np.concatenate(found), return_counts=True)
        if len(self._dropped):
            live = ~np.isin(docs, self._dropped, assume_unique=True)
            docs, counts = docs[live], counts[live]
        return docs, counts


@lru_cache(maxsize=1 << 18)
def _word_hash(word: str) -> int:
    return zlib.crc32(word.encode())


_NONE = np.empty(0, dtype=np.uint32)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_ROLL = np.uint64(0x100000001B3)


def shingle_hashes(tokens: list[str], k: int) -> np.ndarray:
    """32-bit hashes of the k-word shingles in text order (the shingles of text.shingles, hashed stably)."""
    if not tokens:
        return np.empty(0, dtype=np.uint32)
    w = np.fromiter(map(_word_hash, tokens), dtype=np.uint64, count=len(tokens))
    span = min(k, len(w))
    n = len(w) - span + 1
    acc = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(span):
            acc = acc * _ROLL + w[j : j + n]
        # splitmix64 finaliser, so the kept top 32 bits depend on every word of the shingle
        acc ^= acc >> np.uint64(30)
        acc *= _MIX1
        acc ^= acc >> np.uint64(27)
        acc *= _MIX2
        acc ^= acc >> np.uint64(31)
    return (acc >> np.uint64(32)).astype(np.uint32)


def _covered(shingles: np.ndarray, order: np.ndarray, words: int, other: np.ndarray) -> int:
    """How many of a text's words lie in at least one of its shingles that also occurs in other.

    shingles and other are sorted sets; order lists the text's shingles in text order as indexes into shingles.
    Counting words rather than shingles keeps an edited word from costing more than itself: a swapped word
    breaks the k shingles through it, yet its neighbours stay covered by the shingles on either side.
    """
    idx = np.searchsorted(other, shingles)
    idx[idx == len(other)] = 0
    shared = (other[idx] == shingles).astype(np.int32)[order]
    span = words - len(order) + 1  # words per shingle (the whole text when shorter than k)
    starts = np.zeros(words + 1, dtype=np.int32)
    starts[: len(shared)] += shared
    starts[span : span + len(shared)] -= shared
    return int(np.count_nonzero(np.cumsum(starts[:words])))


def _utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def _order_key(published: datetime | None, seq: int) -> tuple[bool, datetime, int]:
    """Earliest published first; undated documents count as later than any dated one; ties by arrival."""
    return (published is None, published or datetime.min.replace(tzinfo=UTC), seq)


class CopyIndex:
    """Incremental copy detection: add documents as they arrive; each is linked to the original it copies."""

    def __init__(self, options: CopyOptions = CopyOptions()) -> None:
        self.options = options
        self._bands = _Bands(*_bands(options.lsh_threshold, options.lsh_recall_weight, options.num_perm))
        self._permutations = _permutations(options.num_perm, options.seed)
        self._entries: dict[int, _Entry] = {}
        self._seq_of: dict[str, int] = {}
        self._groups: dict[int, _Group] = {}
        self._next = 0  # seq of the next document
        self._newest: datetime | None = None

    def __setstate__(self, state: dict[str, object]) -> None:
        # An index saved before eviction existed kept lists, whose positions were the seqs.
        self.__dict__.update(state)
        if isinstance(self._entries, list):
            entries: list = self._entries
            for entry in entries:
                entry.aged = entry.published
            dated = [e.published for e in entries if e.published is not None]
            self._next, self._newest = len(entries), max(dated, default=None)
            self._entries = dict(enumerate(entries))
            self._groups = {
                n: _Group(g.root, entries[g.root].id, entries[g.root].published, g.members)
                for n, g in enumerate(state["_groups"])  # type: ignore[arg-type]
            }

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, id: object) -> bool:
        return id in self._seq_of

    def add(self, doc: Doc) -> str | None:
        """Index doc; return the id of the original of its copy group, or None when it is not a copy."""
        if doc.id in self._seq_of:
            raise ValueError(f"copies: document {doc.id!r} was already added")
        opts = self.options
        tokens = pieces(doc.text)
        seq = self._next
        self._next += 1
        published = _utc(doc.published)
        if published is not None and (self._newest is None or published > self._newest):
            self._newest = published
        match = None
        minhash = None
        unique, order = _NONE, _NONE
        if len(tokens) >= opts.min_words:
            unique, inverse = np.unique(shingle_hashes(tokens, opts.shingle_words), return_inverse=True)
            order = inverse.astype(np.uint16 if len(unique) <= 1 << 16 else np.uint32)
            minhash = MinHash(
                num_perm=opts.num_perm,
                seed=opts.seed,
                hashfunc=int,
                permutations=self._permutations,
                scheme=_SCHEME,
            )
            minhash.update_batch(unique)
            keys = self._bands.keys(minhash.hashvalues)
            docs, shared_bands = self._bands.query(keys)
            if len(docs) > opts.max_candidates:
                docs = docs[np.argsort(-shared_bands, kind="stable")[: opts.max_candidates]]
            match = self._best_match(len(tokens), unique, order, docs.tolist())
        if match is None:
            group = seq
            self._groups[group] = _Group(root=seq, root_id=doc.id, root_published=published, members=[seq])
        else:
            group = self._entries[match].group
            self._groups[group].members.append(seq)
        aged = published or self._newest
        self._entries[seq] = _Entry(doc.id, published, aged, seq, len(tokens), unique, order, group)
        self._seq_of[doc.id] = seq
        if minhash is not None:
            self._bands.insert(seq, keys)
        root = self._groups[group]
        if _order_key(published, seq) < _order_key(root.root_published, root.root):
            # Arrived late but published first: it becomes the original of its group.
            root.root, root.root_id, root.root_published = seq, doc.id, published
        return self.original_of(doc.id)

    def evict_before(self, cutoff: datetime) -> int:
        """Forget the documents that aged from before `cutoff`; returns how many.

        A forgotten document is never a candidate again and leaves memory; a copy group keeps the id
        and date of its original, so a later copy of a kept member still points at that original.
        Undated documents age from the newest date the index had seen when they arrived."""
        cutoff = _utc(cutoff) or cutoff
        old = [seq for seq, e in self._entries.items() if e.aged is not None and e.aged < cutoff]
        for seq in old:
            entry = self._entries.pop(seq)
            del self._seq_of[entry.id]
            group = self._groups[entry.group]
            group.members.remove(seq)
            if not group.members:
                del self._groups[entry.group]
        self._bands.drop(set(old))
        return len(old)

    def _best_match(
        self, n_words: int, unique: np.ndarray, order: np.ndarray, candidates: list[int]
    ) -> int | None:
        """The candidate this text copies (or is copied by) most closely, if any passes the thresholds."""
        opts = self.options
        best, best_score = None, 0.0
        for seq in candidates:
            other = self._entries[seq]
            if min(n_words, other.words) < opts.short_words:
                shared = len(np.intersect1d(unique, other.shingles, assume_unique=True))
                score = shared / (len(unique) + len(other.shingles) - shared)
                ok = score >= opts.short_jaccard_min
            elif n_words <= other.words:
                score = _covered(unique, order, n_words, other.shingles) / n_words
                ok = score >= opts.containment_min
            else:
                score = _covered(other.shingles, other.order, other.words, unique) / other.words
                ok = score >= opts.containment_min
            if ok and (score > best_score or (score == best_score and best is not None and seq < best)):
                best, best_score = seq, score
        return best

    def original_of(self, id: str) -> str | None:
        """The id of the original that document id copies, or None if it is an original (or unique)."""
        entry = self._entries[self._seq_of[id]]
        group = self._groups[entry.group]
        return None if group.root == entry.seq else group.root_id

    def group_of(self, id: str) -> list[str]:
        """Every document in id's copy group still indexed, the original first (even when forgotten),
        then in arrival order."""
        group = self._groups[self._entries[self._seq_of[id]].group]
        rest = [self._entries[s].id for s in group.members if s != group.root]
        return [group.root_id, *rest]


def copies_find(docs: Iterable[Doc], options: CopyOptions = CopyOptions()) -> dict[str, str | None]:
    """id -> id of the original it copies (or None), for a batch; earliest published wins, else input order."""
    batch = list(docs)
    order = sorted(range(len(batch)), key=lambda i: _order_key(_utc(batch[i].published), i))
    index = CopyIndex(options)
    for i in order:
        index.add(batch[i])
    return {doc.id: index.original_of(doc.id) for doc in batch}
