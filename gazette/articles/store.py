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


def urls_stored(*, source: Source, urls: Iterable[str]) -> set[str]:
    """The URLs among `urls` already stored as far as `source` is concerned: claimed by an article on
    its own feed's site (whichever source that is), or stored by `source` itself. An off-site copy
    another source made does not count, so it never keeps the URL's own outlet out."""
    urls = set(urls)
    if not urls:
        return set()
    # Two queries rather than an OR, so each is answered by one of the two unique indexes.
    claimed = Article.objects.filter(canonical_url__in=urls, off_site=False).values_list("canonical_url")
    own = Article.objects.filter(source=source, canonical_url__in=urls).values_list("canonical_url")
    return {url for (url,) in claimed} | {url for (url,) in own}


def entries_unseen(*, source: Source, entries: Iterable[FeedEntry], feed_url: str) -> list[FeedEntry]:
    """Entries whose GUID (for this source) and canonical URL (urls_stored) are not stored yet."""
    entries = list(entries)
    if not entries:
        return []
    guids = {e.id for e in entries}
    urls = {canonicalize_url(e.url, base=feed_url) for e in entries if e.url}
    seen_guids = set(Article.objects.filter(source=source, guid__in=guids).values_list("guid", flat=True))
    seen_urls = urls_stored(source=source, urls=urls)
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


def original_find(
    *, content_hash: str, word_count: int, off_site: bool, exclude: int | None = None
) -> Article | None:
    """The stored article an article with this text is an exact copy of, if any."""
    if not content_hash or word_count < 50:
        return None
    originals = Article.objects.filter(
        content_hash=content_hash, duplicate_of__isnull=True, page_pending=False
    )
    if not off_site:
        # An aggregator's copy, whatever date it gives, is never the original of an outlet's own
        # article; the copies stage groups them later with the outlet's article first.
        originals = originals.filter(off_site=False)
    if exclude is not None:
        originals = originals.exclude(pk=exclude)
    return originals.order_by("published_at", "id").first()


def articles_store(*, source: Source, drafts: Iterable[ArticleDraft]) -> list[Article]:
    """Save drafts not stored yet; marks exact copies (same content hash) of stored articles."""
    created = []
    for draft in drafts:
        if urls_stored(source=source, urls=[draft.canonical_url]):
            continue
        original = None
        if not draft.page_pending:  # a teaser's copy is looked for once its page is read
            original = original_find(
                content_hash=draft.content_hash, word_count=draft.word_count, off_site=draft.off_site
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
                    off_site=draft.off_site,
                    page_pending=draft.page_pending,
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
