"""The live enrichment stage: copies, stories, topics, entities, embeddings and related articles.

It runs in the poller process, after the store, on the database thread. The clusterer and the copy
index live in memory and are warmed at start-up by replaying the recent window in published order —
the same code `gazette cluster` and `gazette dedupe` run — so a restart reaches the same stories.
Story rows follow the clusterer: after each batch the stories whose members changed are written.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from gazette.articles.models import Article
from gazette.stories.ann import VectorIndex
from gazette.stories.clustering import ClusterDoc, StoryClusterer
from gazette.stories.copies import CopyIndex, Doc
from gazette.stories.embeddings import EMBED_WORDS
from gazette.stories.entities import entities_extract
from gazette.stories.models import (
    ArticleEntity,
    ArticleTopic,
    Embedding,
    Entity,
    Related,
    Story,
    StoryMember,
    Topic,
)
from gazette.stories.topics import topics_classify

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineOptions:
    window_days: int = 7  # articles replayed at start-up; older stories are settled
    related_per_article: int = 6
    related_min_score: float = 0.35  # cosine below this is not "related"
    topics_per_article: int = 2
    topic_min_score: float = 0.15
    entities_per_article: int = 12
    embed_words: int = EMBED_WORDS


_WORD = re.compile(r"\w+")


def _title_terms(title: str) -> set[str]:
    return {w for w in _WORD.findall(title.lower()) if len(w) > 3}


def central_title(titles: list[str]) -> str:
    """The headline sharing most words with the others: the most central way to name the story."""
    if len(titles) <= 2:
        return titles[0] if titles else ""
    terms = [_title_terms(t) for t in titles]
    counts = Counter(term for ts in terms for term in ts)
    scores = [sum(counts[t] - 1 for t in ts) / (len(ts) ** 0.5 or 1) for ts in terms]
    return titles[max(range(len(titles)), key=scores.__getitem__)]


class StoryEngine:
    def __init__(self, options: EngineOptions | None = None) -> None:
        self.options = options or EngineOptions()
        # The clusterer numbers stories afresh in every process; a per-run prefix keeps a new story's
        # key from ever naming a row an earlier run wrote. `_keys` maps stories the replay found again
        # to the rows they already have.
        self.clusterer = StoryClusterer(id_prefix=f"{secrets.token_hex(4)}-")
        self._keys: dict[str, str] = {}
        self.copies = CopyIndex()
        self.embedder = _embedder()
        self.index: VectorIndex | None = None
        self._snapshot: dict[str, tuple[str, ...]] = {}
        self._known: set[int] = set()  # articles the in-memory state has seen
        self._topic_rows: dict[str, Topic] = {}
        self.warm()

    # -- start-up ---------------------------------------------------------------------------------

    def warm(self) -> None:
        """Replay the recent window so the in-memory state matches what is stored."""
        since = timezone.now() - timedelta(days=self.options.window_days)
        articles = list(
            Article.objects.filter(published_at__gte=since)
            .select_related("source")
            .order_by("published_at", "id")
        )
        if self.embedder is not None:
            self._index_load(articles)
        stored = dict(
            StoryMember.objects.filter(article__in=articles).values_list("article_id", "story__key")
        )
        self._add(articles)
        self._keys_adopt(stored)
        self._snapshot = {}  # every story in the window is checked once
        self._stories_write()
        self._stories_recount(stored)
        log.info("stories: warmed with %d article(s), %d story(ies)", len(articles), len(self._snapshot))

    def _keys_adopt(self, stored: dict[int, str]) -> None:
        """Give each replayed story the row that already holds most of its members, one row each, so
        stories keep their rows (and addresses) across restarts."""
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

    def _index_load(self, articles: list[Article]) -> None:
        assert self.embedder is not None
        self.index = VectorIndex(self.embedder.dim, model=self.embedder.name)
        rows = Embedding.objects.filter(article__in=articles, model=self.embedder.name).values_list(
            "article_id", "vector"
        )
        ids, vectors = [], []
        for article_id, blob in rows:
            ids.append(article_id)
            vectors.append(np.frombuffer(bytes(blob), dtype=np.float32))
        if ids:
            self.index.add(ids, np.vstack(vectors))

    # -- per batch --------------------------------------------------------------------------------

    def articles_enrich(self, article_ids: Iterable[int]) -> list[int]:
        """Enrich newly stored articles; returns the ids of the stories that changed."""
        articles = list(
            Article.objects.filter(pk__in=list(article_ids))
            .select_related("source")
            .order_by("published_at", "id")
        )
        if not articles:
            return []
        self._add(articles)
        return self._stories_write()

    def _add(self, articles: list[Article]) -> None:
        articles = [a for a in articles if a.pk not in self._known]
        self._known.update(a.pk for a in articles)
        vectors = self._vectors(articles)
        for article in articles:
            self._copy_check(article)
            self._labels(article)
            self.clusterer.add(
                ClusterDoc(
                    id=str(article.pk),
                    title=article.title,
                    text=article.content_text,
                    published=article.published_at,
                    source=str(article.source_id),
                    vector=vectors.get(article.pk),
                )
            )
        for article in articles:
            if article.pk in vectors:
                self._related(article, vectors[article.pk])

    def _copy_check(self, article: Article) -> None:
        original = self.copies.add(
            Doc(
                id=str(article.pk),
                title=article.title,
                text=article.content_text,
                url=article.canonical_url,
                published=article.published_at,
                source=str(article.source_id),
            )
        )
        del original  # the group says more: an earlier-published late arrival becomes the original
        group = [int(i) for i in self.copies.group_of(str(article.pk))]
        if len(group) < 2:
            return
        root, copies = group[0], group[1:]
        Article.objects.filter(pk__in=copies).exclude(duplicate_of_id=root).update(duplicate_of_id=root)
        Article.objects.filter(pk=root, duplicate_of__isnull=False).update(duplicate_of=None)
        # Copies are never each other's related coverage.
        Related.objects.filter(article_id__in=group, other_id__in=group).delete()
        article.duplicate_of_id = None if article.pk == root else root

    def _labels(self, article: Article) -> None:
        """Topics and entities, computed once per article."""
        if not ArticleTopic.objects.filter(article=article).exists():
            topics = self._topics()
            scored = [
                (name, score)
                for name, score in topics_classify(article.title, article.content_text)
                if score >= self.options.topic_min_score
            ][: self.options.topics_per_article]
            ArticleTopic.objects.bulk_create(
                [
                    ArticleTopic(article=article, topic=topics[slugify(name)], score=score)
                    for name, score in scored
                    if slugify(name) in topics
                ],
                ignore_conflicts=True,
            )
        if not ArticleEntity.objects.filter(article=article).exists():
            mentions = entities_extract(article.title, article.content_text)
            by_slug = {slugify(m.name)[:200]: m for m in mentions[: self.options.entities_per_article]}
            by_slug.pop("", None)
            # Two queries for all of an article's entities instead of a get_or_create each.
            Entity.objects.bulk_create(
                [Entity(slug=slug, name=m.name[:200], kind=m.kind[:16]) for slug, m in by_slug.items()],
                ignore_conflicts=True,
            )
            entities = Entity.objects.filter(slug__in=list(by_slug)).only("pk", "slug")
            ArticleEntity.objects.bulk_create(
                [ArticleEntity(article=article, entity=e, mentions=by_slug[e.slug].count) for e in entities],
                ignore_conflicts=True,
            )

    def _topics(self) -> dict[str, Topic]:
        if not self._topic_rows:
            self._topic_rows = {t.slug: t for t in Topic.objects.all()}
        return self._topic_rows

    # -- embeddings and related -------------------------------------------------------------------

    def _vectors(self, articles: list[Article]) -> dict[int, np.ndarray]:
        if self.embedder is None:
            return {}
        from gazette.stories.embeddings import article_text_for_embedding

        stored = {
            article_id: np.frombuffer(bytes(blob), dtype=np.float32)
            for article_id, blob in Embedding.objects.filter(
                article__in=articles, model=self.embedder.name
            ).values_list("article_id", "vector")
        }
        missing = [a for a in articles if a.pk not in stored]
        if missing:
            texts = [
                article_text_for_embedding(a.title, a.content_text, max_words=self.options.embed_words)
                for a in missing
            ]
            fresh = self.embedder.embed(texts)
            Embedding.objects.bulk_create(
                [
                    Embedding(
                        article=a, model=self.embedder.name, vector=fresh[i].astype(np.float32).tobytes()
                    )
                    for i, a in enumerate(missing)
                ],
                ignore_conflicts=True,
            )
            if self.index is not None:
                self.index.add([a.pk for a in missing], fresh)
            stored.update({a.pk: fresh[i] for i, a in enumerate(missing)})
        return stored

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
        with transaction.atomic():
            for other, score in chosen:
                Related.objects.update_or_create(article=article, other=other, defaults={"score": score})
                Related.objects.update_or_create(article=other, other=article, defaults={"score": score})
                _trim_related(other.pk, self.options.related_per_article)

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
            touched = [self._story_write(key, [int(m) for m in members]) for key, members in changed.items()]
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

    def _story_write(self, key: str, member_ids: list[int]) -> int | None:
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
                "title": central_title([a.title for a in originals]),
                "first_reported_at": articles[0].published_at,
                "last_article_at": articles[-1].published_at,
                "article_count": len(articles),
                "source_count": len({a.source_id for a in articles}),
                "first_article": articles[0],
                "updated_at": timezone.now(),
            },
        )
        for article in articles:
            StoryMember.objects.update_or_create(article=article, defaults={"story": story})
        return story.pk


def _trim_related(article_id: int, keep: int) -> None:
    extra = (
        Related.objects.filter(article_id=article_id).order_by("-score").values_list("pk", flat=True)[keep:]
    )
    Related.objects.filter(pk__in=list(extra)).delete()


def _embedder():
    """The sentence-embedding model when it is installed and not switched off."""
    if not settings.GAZETTE_EMBEDDINGS:
        return None
    from gazette.stories.embeddings import Embedder, embedder_available

    if not embedder_available():
        log.info("stories: no embedding model installed; related articles come from stories only")
        return None
    try:
        embedder = Embedder()  # GAZETTE_EMBEDDING_MODEL, else the bundled model
        embedder.load()
    except Exception as exc:  # noqa: BLE001 — a broken model must not stop ingestion
        log.error("stories: embedding model unavailable: %s", exc)
        return None
    return embedder


_ENGINE: StoryEngine | None = None


def engine_get() -> StoryEngine:
    """The process's engine, warmed on first use."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = StoryEngine()
    return _ENGINE


def engine_reset() -> None:
    """Forget the in-memory state (tests, or after the database was replaced)."""
    global _ENGINE
    _ENGINE = None
