"""The story stage: syndicated copies, story assignment and related articles, in arrival order.

Assignment is sequential by nature (each article is compared with the stories the earlier ones made),
so one consumer at a time runs it. Its state — the clusterer, the copy index, which stored story row
each cluster is, what was last written — is saved with every batch, in the transaction that writes the
batch's stories, under a version number: what the batch changed, as one journal row after the last
snapshot (stories/state.py), and a new snapshot in their place once the journal outgrows it
(JOURNAL_PER_SNAPSHOT), so a batch writes about what it changed rather than the whole state. A
restarted worker, or a worker on another machine, loads that state and continues exactly where the last batch stopped: a restart regroups nothing. Two consumers
racing would both try to write version N+1; the loser's transaction is rolled back and it reloads.
The vector index for related articles is rebuilt from stored embeddings when the state is loaded.

The state is kept the size of the recent news: after each batch, stories the clusterer has closed
(written already; their rows stay) and copy candidates and vectors older than `window_days` are
dropped, so the bytes saved per batch and the worker's memory stop growing with the archive.
"""

from __future__ import annotations

import heapq
import logging
import pickle
import secrets
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from gazette.articles.models import Article
from gazette.stories.ann import VectorIndex
from gazette.stories.clustering import ClusterDoc, StoryClusterer
from gazette.stories.copies import CopyIndex, Doc
from gazette.stories.enrich import embedder_get
from gazette.stories.models import (
    Embedding,
    EngineState,
    EngineStateChunk,
    Related,
    Story,
    StoryMember,
)
from gazette.stories.state import StateJournal, changes_apply, state_finish
from gazette.stories.titles import story_title

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineOptions:
    # Articles replayed when no saved state exists, and how long copy candidates and related-article
    # vectors are kept: older stories are settled.
    window_days: int = 7
    related_per_article: int = 6
    related_min_score: float = 0.35  # cosine below this is not "related"
    batch: int = 500  # articles assigned per transaction


class StaleState(Exception):
    """Another consumer saved a newer state meanwhile; this batch was rolled back."""


# The changes saved since the last snapshot may grow to this many times its size before a new snapshot
# replaces them: a batch then writes (1 + 1/this) times what it changed, and loading reads at most
# (1 + this) snapshots' worth.
JOURNAL_PER_SNAPSHOT = 3

# An arbitrary constant: the PostgreSQL advisory lock that keeps story consumers on many machines
# from computing the same batch at once (correctness rests on the version check, this saves work).
_ADVISORY_LOCK = 0x6A7A_5354


class StoryEngine:
    """The persisted state of the story stage and the code that advances it."""

    def __init__(self, options: EngineOptions | None = None) -> None:
        self.options = options or EngineOptions()
        self.version = 0
        # The clusterer numbers stories with a prefix of its own; `_keys` maps clusters found again by a
        # cold-start replay to the rows they already have.
        self.clusterer = StoryClusterer(id_prefix=f"{secrets.token_hex(4)}-")
        self._keys: dict[str, str] = {}
        self.copies = CopyIndex()
        self._snapshot: dict[str, tuple[str, ...]] = {}
        self.embedder = embedder_get()
        self.index: VectorIndex | None = None
        self._index_dates: list[tuple[datetime, int]] = []  # a heap of (published, article id) indexed
        self._journal = StateJournal()
        self._snapshot_bytes = 0  # of the snapshot saved last, and of the changes saved since
        self._journal_bytes = 0

    # -- state ------------------------------------------------------------------------------------

    _PERSISTED = ("version", "clusterer", "_keys", "copies", "_snapshot")

    def state_dump(self) -> bytes:
        state = {name: getattr(self, name) for name in self._PERSISTED}
        return zlib.compress(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL), 1)

    def _state_root(self) -> dict[str, object]:
        """The persisted attributes the journal walks (the version is the head row's)."""
        return {name: getattr(self, name) for name in self._PERSISTED if name != "version"}

    @classmethod
    def load(cls, options: EngineOptions | None = None, *, index: bool = True) -> StoryEngine:
        """The engine as last saved; on a database with no saved state, replay the recent window.
        `index=False` skips the vector index (related articles), for work that needs the state only."""
        engine = cls(options)
        row = EngineState.objects.filter(pk=1).first()
        if row is None:
            engine.warm()
        else:
            engine._state_read(row.version)
        if engine.embedder is not None and index:
            engine._index_load()
        return engine

    def _state_read(self, version: int) -> None:
        """The newest snapshot up to `version`, then each batch's changes after it, in order."""
        snapshot = (
            EngineStateChunk.objects.filter(snapshot=True, version__lte=version).order_by("-version").first()
        )
        if snapshot is None:
            raise RuntimeError(f"stories: no saved snapshot for state version {version}")
        changes = list(
            EngineStateChunk.objects.filter(
                snapshot=False, version__gt=snapshot.version, version__lte=version
            ).order_by("version")
        )
        if [c.version for c in changes] != list(range(snapshot.version + 1, version + 1)):
            raise RuntimeError(f"stories: the saved changes up to state version {version} are incomplete")
        # Our own pickles, written by this code into our own database: never data from outside.
        state = pickle.loads(zlib.decompress(bytes(snapshot.data)))  # noqa: S301
        for name in self._PERSISTED:
            setattr(self, name, state[name])
        root = self._state_root()
        for chunk in changes:
            changes_apply(root, pickle.loads(zlib.decompress(bytes(chunk.data))))  # noqa: S301
        state_finish(root)
        self.version = version
        self._journal.changes(self._state_root())  # what is saved now, to compare the next batch with
        self._snapshot_bytes = len(snapshot.data)
        self._journal_bytes = sum(len(c.data) for c in changes)

    def warm(self) -> None:
        """Cold start: replay the assigned articles of the recent window so the state matches what is
        stored, adopting the stored story rows (an install that had no saved state yet)."""
        since = timezone.now() - timedelta(days=self.options.window_days)
        articles = list(
            Article.objects.filter(published_at__gte=since, clustered_at__isnull=False)
            .select_related("source")
            .order_by("clustered_at", "id")
        )
        stored = dict(
            StoryMember.objects.filter(article__in=articles).values_list("article_id", "story__key")
        )
        vectors = self._vectors_stored(articles)
        for article in articles:
            self._copy_add(article)
            self.clusterer.add(_cluster_doc(article, vectors.get(article.pk)))
        self._keys_adopt(stored)
        self._snapshot = {}  # every story in the window is written once
        with transaction.atomic():
            self._stories_write()
            self._stories_recount(stored)
            if articles:
                self._settled_forget(articles)
            self.version = 1
            self._snapshot_bytes = 0  # the saved chunks, if any, are of a state replaced here
            self._state_save()
        log.info("stories: replayed %d article(s) with no saved state", len(articles))

    def _keys_adopt(self, stored: dict[int, str]) -> None:
        """Give each replayed story the row that already holds most of its members, one row each."""
        overlaps = []
        for story_id, members in self.clusterer.stories().items():
            for key, count in Counter(stored[int(m)] for m in members if int(m) in stored).items():
                overlaps.append((count, story_id, key))
        taken: set[str] = set()
        for _, story_id, key in sorted(overlaps, reverse=True):
            if story_id not in self._keys and key not in taken:
                self._keys[story_id] = key
                taken.add(key)

    def _stories_recount(self, stored: dict[int, str]) -> None:
        """Rows the replay did not adopt: recount what is left in them; one left empty points at the
        story that now holds most of its former members, as a merge would."""
        adopted = set(self._keys.values())
        former: dict[str, list[int]] = {}
        for article_id, key in stored.items():
            if key not in adopted:
                former.setdefault(key, []).append(article_id)
        for story in Story.objects.filter(key__in=former):
            left = list(story.members.values_list("article_id", flat=True))
            if left:
                self._story_write(story.key, left)
                continue
            now = Counter(
                StoryMember.objects.filter(article_id__in=former[story.key]).values_list(
                    "story__key", flat=True
                )
            )
            self._story_absorbed(story.key, now.most_common(1)[0][0] if now else None)

    def _index_load(self) -> None:
        assert self.embedder is not None
        since = timezone.now() - timedelta(days=self.options.window_days)
        self.index = VectorIndex(self.embedder.dim, model=self.embedder.name)
        rows = Embedding.objects.filter(
            article__published_at__gte=since, article__clustered_at__isnull=False, model=self.embedder.name
        ).values_list("article_id", "vector", "article__published_at")
        ids, vectors = [], []
        for article_id, blob, published in rows:
            ids.append(article_id)
            vectors.append(np.frombuffer(bytes(blob), dtype=np.float32))
            self._index_dates.append((published, article_id))
        heapq.heapify(self._index_dates)
        if ids:
            self.index.add(ids, np.vstack(vectors))

    def _index_trim(self, cutoff: datetime) -> None:
        """Keep the vector index to the window: related coverage is recent coverage, and a cold start
        indexes only the window too."""
        assert self.index is not None
        old = []
        while self._index_dates and self._index_dates[0][0] < cutoff:
            old.append(heapq.heappop(self._index_dates)[1])
        if old:
            self.index.remove(old)
            if self.index.dead > len(self.index):  # HNSW cannot delete: rebuild once half is dead
                self.index.compact()

    def _vectors_stored(self, articles: list[Article]) -> dict[int, np.ndarray]:
        if self.embedder is None or not articles:
            return {}
        return {
            article_id: np.frombuffer(bytes(blob), dtype=np.float32)
            for article_id, blob in Embedding.objects.filter(
                article__in=articles, model=self.embedder.name
            ).values_list("article_id", "vector")
        }

    # -- an operator's merge ------------------------------------------------------------------------

    def stories_merge(self, keys: list[str], *, into: str) -> None:
        """Merge the stories with these keys into the one keyed `into`, in the saved state and in the
        stored rows together (one transaction, the next version), so that no later batch splits them
        again and a restart does not undo it. Raises StaleState like a batch."""
        with transaction.atomic():
            self._version_check()
            by_key = {key: story_id for story_id, key in self._keys.items()}
            live = self.clusterer.stories()
            clusters: dict[str, str] = {}  # key -> cluster id
            for key in [into, *keys]:
                story_id = by_key.get(key, key)
                if story_id not in live:
                    # Settled and forgotten by the clusterer: taken in again, closed, so the merge has
                    # every member to write.
                    stored = StoryMember.objects.filter(story__key=key).order_by("article_id")
                    story_id = self.clusterer.story_adopt(
                        [str(m) for m in stored.values_list("article_id", flat=True)]
                    )
                    self._keys[story_id] = key
                    self._snapshot[key] = tuple(self.clusterer.stories().get(story_id, ()))
                clusters[key] = story_id
            # The survivor in the clusterer is an open story if there is one, so that coverage still
            # arriving joins it; its row is `into`'s whatever cluster it was.
            ids = list(dict.fromkeys(clusters.values()))
            open_ids = [i for i in ids if self.clusterer.story(i).open]
            survivor = clusters[into] if clusters[into] in open_ids or not open_ids else open_ids[0]
            for story_id in ids:
                if story_id != survivor:
                    self.clusterer.merge(story_id, survivor)
                    self._keys.pop(story_id, None)
            self.clusterer.history_forget()  # followed here: the rows are written below
            self._keys[survivor] = into
            members = self.clusterer.stories()[survivor]
            self._story_write(into, [int(m) for m in members])
            for key in keys:
                if key != into:
                    self._snapshot.pop(key, None)
                    self._story_absorbed(key, into)
            self._snapshot[into] = tuple(members)
            self.version += 1
            self._state_save()

    def _version_check(self) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK])
        saved = EngineState.objects.filter(pk=1).values_list("version", flat=True).first() or 0
        if saved != self.version:
            raise StaleState(f"saved state is version {saved}, this engine has {self.version}")

    def _state_save(self) -> None:
        """Save this version: what changed since the last, or a snapshot once the changes saved since
        the last snapshot would outgrow JOURNAL_PER_SNAPSHOT times its size."""
        changes = self._journal.changes(self._state_root())
        data = zlib.compress(pickle.dumps(changes, protocol=pickle.HIGHEST_PROTOCOL), 1)
        if self._journal_bytes + len(data) > JOURNAL_PER_SNAPSHOT * self._snapshot_bytes:
            data = self.state_dump()
            EngineStateChunk.objects.all().delete()
            EngineStateChunk.objects.create(version=self.version, snapshot=True, data=data)
            self._snapshot_bytes, self._journal_bytes = len(data), 0
        else:
            EngineStateChunk.objects.create(version=self.version, data=data)
            self._journal_bytes += len(data)
        EngineState.objects.update_or_create(
            pk=1, defaults={"version": self.version, "saved_at": timezone.now()}
        )

    # -- per batch --------------------------------------------------------------------------------

    def assign_pending(
        self, queue_next: Callable[[list[int], list[int]], None] | None = None
    ) -> tuple[list[int], list[int]]:
        """Assign the next batch of enriched, unassigned articles in arrival order and save the state
        in the same transaction; returns (articles assigned, stories changed). Raises StaleState.
        `queue_next(stories, articles)` is called inside that transaction."""
        with transaction.atomic():
            self._version_check()
            articles = list(
                Article.objects.filter(enriched_at__isnull=False, clustered_at__isnull=True)
                .select_related("source")
                .order_by("id")[: self.options.batch]
            )
            if not articles:
                return [], []
            vectors = self._vectors_stored(articles)
            for article in articles:
                self._copy_check(article)
                self.clusterer.add(_cluster_doc(article, vectors.get(article.pk)))
            if self.index is not None:
                fresh = [a for a in articles if a.pk in vectors]
                if fresh:
                    self.index.add([a.pk for a in fresh], np.vstack([vectors[a.pk] for a in fresh]))
                    for a in fresh:
                        heapq.heappush(self._index_dates, (a.published_at, a.pk))
            for article in articles:
                if article.pk in vectors:
                    self._related(article, vectors[article.pk])
            touched = self._stories_write()
            self._settled_forget(articles)
            Article.objects.filter(pk__in=[a.pk for a in articles]).update(clustered_at=timezone.now())
            self.version += 1
            self._state_save()
            if queue_next is not None and touched:
                queue_next(touched, [a.pk for a in articles])
        return [a.pk for a in articles], touched

    def _settled_forget(self, articles: list[Article]) -> None:
        """Drop from the state what no later article can change: closed stories (written already; their
        rows stay) and copy candidates older than the window, the same window a cold start replays, so
        the state stays the size of the recent news however long the site runs."""
        for story_id in self.clusterer.closed_forget():
            self._snapshot.pop(self._keys.pop(story_id, story_id), None)
        self.clusterer.history_forget()  # _stories_write has followed this batch's merges
        # The batch's median date, not its newest: one item dated far ahead must not age out the rest.
        dates = sorted(a.published_at for a in articles)
        cutoff = dates[len(dates) // 2] - timedelta(days=self.options.window_days)
        self.copies.evict_before(cutoff)
        if self.index is not None:
            self._index_trim(cutoff)

    def _copy_add(self, article: Article) -> None:
        if str(article.pk) not in self.copies:
            self.copies.add(_copy_doc(article))

    def _copy_check(self, article: Article) -> None:
        if str(article.pk) in self.copies:
            return
        self.copies.add(_copy_doc(article))
        group = [int(i) for i in self.copies.group_of(str(article.pk))]
        if len(group) < 2:
            return
        root, copies = group[0], group[1:]
        Article.objects.filter(pk__in=copies).exclude(duplicate_of_id=root).update(duplicate_of_id=root)
        Article.objects.filter(pk=root, duplicate_of__isnull=False).update(duplicate_of=None)
        # Copies are never each other's related coverage.
        Related.objects.filter(article_id__in=group, other_id__in=group).delete()
        article.duplicate_of_id = None if article.pk == root else root

    # -- embeddings and related -------------------------------------------------------------------

    def _related(self, article: Article, vector: np.ndarray) -> None:
        """Nearest articles of other publishers, copies of either excluded; links both ways."""
        if self.index is None:
            return
        hits = self.index.search(vector, k=self.options.related_per_article * 5, exclude=[article.pk])
        ids = [i for i, score in hits if score >= self.options.related_min_score]
        others = {a.pk: a for a in Article.objects.filter(pk__in=ids).only("source_id", "duplicate_of_id")}
        own_group = {article.pk, article.duplicate_of_id}
        chosen = []
        for other_id, score in hits:
            other = others.get(other_id)
            if other is None or other.source_id == article.source_id:
                continue
            if other.duplicate_of_id in own_group or other.pk in own_group:
                continue
            chosen.append((other, score))
            if len(chosen) >= self.options.related_per_article:
                break
        if not chosen:
            return
        Related.objects.bulk_create(
            [Related(article=article, other=other, score=score) for other, score in chosen]
            + [Related(article=other, other=article, score=score) for other, score in chosen],
            update_conflicts=True,
            unique_fields=["article", "other"],
            update_fields=["score"],
        )
        _trim_related([other.pk for other, _ in chosen], self.options.related_per_article)

    # -- stories ----------------------------------------------------------------------------------

    def _stories_write(self) -> list[int]:
        """Write the stories whose member lists changed; point stories merged away at their survivor."""
        current = {
            self._keys.get(story_id, story_id): tuple(members)
            for story_id, members in self.clusterer.stories().items()
        }
        changed = {key: members for key, members in current.items() if self._snapshot.get(key) != members}
        gone = [key for key in self._snapshot if key not in current]
        with transaction.atomic():
            touched = [
                self._story_write(
                    key, [int(m) for m in members], joined=set(members) - set(self._snapshot.get(key, ()))
                )
                for key, members in changed.items()
            ]
            if gone:
                into, by_key = dict(self.clusterer.merges()), {v: k for k, v in self._keys.items()}
                for key in gone:
                    self._story_absorbed(key, self._survivor(key, into, by_key))
        self._snapshot = current
        return [pk for pk in touched if pk is not None]

    def _story_absorbed(self, key: str, survivor: str | None) -> None:
        """A story merged into another keeps its row, emptied and pointing at the survivor, so its
        address and its followers lead to the story it became part of."""
        target = Story.objects.filter(key=survivor).first() if survivor else None
        if target is None:
            Story.objects.filter(key=key).delete()
            return
        absorbed = Story.objects.filter(key=key)
        # Stories merged earlier into this one now lead straight to the survivor.
        Story.objects.filter(merged_into__in=absorbed).update(merged_into=target)
        absorbed.update(merged_into=target, article_count=0, source_count=0, updated_at=timezone.now())

    def _survivor(self, key: str, into: dict[str, str], by_key: dict[str, str]) -> str | None:
        """The key of the live story that a story merged away ended up in, following the merge log."""
        story_id = by_key.get(key, key)
        seen = set()
        while story_id in into and story_id not in seen:
            seen.add(story_id)
            story_id = into[story_id]
        if story_id == by_key.get(key, key):
            return None
        return self._keys.get(story_id, story_id)

    def _story_write(self, key: str, member_ids: list[int], joined: set[str] | None = None) -> int | None:
        """Write a story's row from its members; membership rows only for `joined` (default: all)."""
        articles = list(
            Article.objects.filter(pk__in=member_ids).only(
                "title", "published_at", "source_id", "duplicate_of_id"
            )
        )
        if not articles:
            Story.objects.filter(key=key).delete()
            return None
        articles.sort(key=lambda a: (a.published_at, a.pk))
        originals = [a for a in articles if a.duplicate_of_id is None] or articles
        story, _ = Story.objects.update_or_create(
            key=key,
            defaults={
                "title": story_title([a.title for a in originals]),
                "first_reported_at": articles[0].published_at,
                "last_article_at": articles[-1].published_at,
                "article_count": len(articles),
                "source_count": len({a.source_id for a in articles}),
                "first_article": articles[0],
                "updated_at": timezone.now(),
            },
        )
        # Members already written for this story are in its row already: a growing story costs its
        # new members, not its size.
        ids = [a.pk for a in articles if joined is None or str(a.pk) in joined]
        StoryMember.objects.bulk_create(
            [StoryMember(article_id=pk, story=story) for pk in ids],
            update_conflicts=True,
            unique_fields=["article"],
            update_fields=["story"],
        )
        return story.pk


def _cluster_doc(article: Article, vector: np.ndarray | None) -> ClusterDoc:
    return ClusterDoc(
        id=str(article.pk),
        title=article.title,
        text=article.body_text,
        published=article.published_at,
        source=str(article.source_id),
        vector=vector,
    )


def _copy_doc(article: Article) -> Doc:
    return Doc(
        id=str(article.pk),
        title=article.title,
        text=article.content_text,
        url=article.canonical_url,
        # An off-site item's date is an aggregator's word about another outlet's article: as undated,
        # it never becomes the original of a copy group that holds a dated article (copies._order_key).
        published=None if article.off_site else article.published_at,
        source=str(article.source_id),
    )


def _trim_related(article_ids: list[int], keep: int) -> None:
    """Keep each article's `keep` best related rows."""
    ranked: dict[int, int] = {}
    extra = []
    rows = Related.objects.filter(article_id__in=article_ids).order_by("article_id", "-score", "pk")
    for pk, article_id in rows.values_list("pk", "article_id"):
        ranked[article_id] = ranked.get(article_id, 0) + 1
        if ranked[article_id] > keep:
            extra.append(pk)
    if extra:
        Related.objects.filter(pk__in=extra).delete()


_ENGINE: StoryEngine | None = None


def stories_assign(
    *,
    options: EngineOptions | None = None,
    queue_next: Callable[[list[int], list[int]], None] | None = None,
) -> tuple[list[int], list[int]]:
    """Assign every enriched, unassigned article to a story, batch by batch; returns (articles
    assigned, stories changed). The engine is kept between calls while its saved version is current."""
    global _ENGINE
    assigned: list[int] = []
    touched: set[int] = set()
    for _attempt in range(1000):  # bounded: each pass takes one batch
        if _ENGINE is None:
            _ENGINE = StoryEngine.load(options)
        try:
            ids, stories = _ENGINE.assign_pending(queue_next)
        except StaleState as exc:
            log.info("stories: %s; reloading", exc)
            _ENGINE = None
            continue
        except BaseException:
            _ENGINE = None  # the in-memory state ran ahead of a rolled-back batch
            raise
        if not ids:
            break
        assigned += ids
        touched.update(stories)
    return assigned, sorted(touched)


def stories_merge(*, stories: list[Story], into: Story, options: EngineOptions | None = None) -> None:
    """An operator's merge of `stories` into `into`: members move to `into`, the others lead there
    (merged_into, as the engine's own merges), and the engine's saved state agrees."""
    global _ENGINE
    keys = [s.key for s in stories if s.pk != into.pk]
    if not keys:
        return
    for _attempt in range(10):
        engine = StoryEngine.load(options, index=False)
        try:
            engine.stories_merge(keys, into=into.key)
        except StaleState:
            continue
        _ENGINE = None  # any engine held in this process is a version behind now
        return
    raise StaleState("the story state kept changing; try the merge again")


def engine_reset() -> None:
    """Forget the in-memory state (tests, or after the database was replaced)."""
    global _ENGINE
    _ENGINE = None
