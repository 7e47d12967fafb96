"""The store stage: the only place the pipeline writes articles to the database."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from gazette.articles.models import Article, RawPage
from gazette.ingest.feeds import FeedEntry
from gazette.ingest.pipeline import ArticleDraft
from gazette.ingest.urls import canonicalize_url
from gazette.sources.models import Source

log = logging.getLogger(__name__)


def entries_unseen(*, source: Source, entries: Iterable[FeedEntry], feed_url: str) -> list[FeedEntry]:
    """Entries whose GUID (for this source) and canonical URL (anywhere) are not stored yet."""
    entries = list(entries)
    if not entries:
        return []
    guids = {e.id for e in entries}
    urls = {canonicalize_url(e.url, base=feed_url) for e in entries if e.url}
    seen_guids = set(Article.objects.filter(source=source, guid__in=guids).values_list("guid", flat=True))
    seen_urls = set(Article.objects.filter(canonical_url__in=urls).values_list("canonical_url", flat=True))
    fresh, batch_keys = [], set()
    for entry in entries:
        url = canonicalize_url(entry.url, base=feed_url) if entry.url else ""
        if entry.id in seen_guids or (url and url in seen_urls):
            continue
        key = url or entry.id
        if key in batch_keys:  # the same link twice in one feed
            continue
        batch_keys.add(key)
        fresh.append(entry)
    return fresh


def articles_store(*, source: Source, drafts: Iterable[ArticleDraft]) -> list[Article]:
    """Save drafts not stored yet; marks exact copies (same content hash) of stored articles."""
    created = []
    for draft in drafts:
        if Article.objects.filter(canonical_url=draft.canonical_url).exists():
            continue
        original = None
        if draft.content_hash and draft.word_count >= 50:
            original = (
                Article.objects.filter(content_hash=draft.content_hash, duplicate_of__isnull=True)
                .order_by("published_at", "id")
                .first()
            )
        try:
            with transaction.atomic():
                article = Article.objects.create(
                    source=source,
                    guid=draft.guid,
                    url=draft.url,
                    canonical_url=draft.canonical_url,
                    title=draft.title,
                    author=draft.author,
                    summary=draft.summary,
                    content_html=draft.content_html,
                    content_text=draft.content_text,
                    image_url=draft.image_url,
                    language=draft.language,
                    published_at=draft.published_at,
                    updated_at=draft.updated_at,
                    word_count=draft.word_count,
                    content_hash=draft.content_hash,
                    extractor=draft.extractor,
                    duplicate_of=original,
                )
                if draft.raw_html is not None:
                    RawPage.objects.create(
                        article=article,
                        fetched_url=draft.raw_url or draft.url,
                        status=draft.raw_status,
                        compressed_html=RawPage.compress(draft.raw_html),
                    )
        except IntegrityError:
            # Stored meanwhile by another poller (or a restart after a crash): nothing to add.
            log.info("store: %s already stored", draft.canonical_url)
            continue
        created.append(article)
    return created
