"""article_page_fetch: stage 2 of gazette/jobs/stages.py, the page of an article stored from a teaser.

The article was stored by its poll with the feed's text and `page_pending` set. This job claims a
slot on the page's host for the whole deployment (sources/hosts.py: GAZETTE_PER_HOST_CONCURRENCY and
GAZETTE_HOST_DELAY across every worker process and machine), fetches the page through the process's
shared HTTP client (robots.txt, the same limits within the process) and gives the slot back before
the page is extracted. A host with no free slot raises HostBusy before any request: the job goes back
to its queue for a moment. It then runs the pure pipeline over the page (pipeline.page_apply) in the
extraction processes, and stores the text, the raw page and the enrich and summary jobs in one
transaction. The row is claimed by a conditional UPDATE, so a job run twice, or by two workers,
stores the page once.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from gazette.articles.models import Article, RawPage
from gazette.articles.store import original_find
from gazette.ingest.fetcher import FetchResult
from gazette.ingest.pipeline import PageUpdate
from gazette.jobs.stages import articles_stored
from gazette.sources.hosts import host_slot_held
from gazette.sources.models import PollEvent, feed_host
from gazette.sources.polling import pipeline_options, poll_runtime

log = logging.getLogger(__name__)

# Answers that say the page will not come however often it is asked for; any other failure (no
# answer, a timeout, a 5xx, 408, 429) is worth another try after a back-off.
_RETRIED_STATUSES = frozenset({408, 425, 429})


class PageUnavailable(Exception):
    """An article page that could not be read this time; its job is tried again after a back-off."""


def page_error_lasting(page: FetchResult | None, error: str) -> bool:
    """True when trying the page again would give the same answer (robots.txt, a 4xx, a refusal)."""
    if page is None or "refused" in error:
        return True
    status = page.status
    return status is not None and 400 <= status < 500 and status not in _RETRIED_STATUSES


def article_page_fetch(*, article_id: int, last_try: bool) -> str:
    """Fetch, extract and store one article's page; what became of it: "done" (nothing to do),
    "stored", or "failed" (the feed's text kept, the error recorded). Raises PageUnavailable for a
    failure worth another try, after recording it when this was the last; HostBusy, having sent
    nothing, when the page's host has no slot free for the deployment now."""
    article = Article.objects.select_related("source").filter(pk=article_id, page_pending=True).first()
    if article is None:
        return "done"
    apply: dict[str, Any] = {
        "url": article.canonical_url,
        "content_html": article.content_html,
        "content_text": article.content_text,
        "image_url": article.image_url,
        "options": pipeline_options(article.source),
    }
    runtime = poll_runtime()
    with host_slot_held(feed_host(article.url)):
        page, error = runtime.page_fetch(article.url)
    update = runtime.page_extract(page, **apply) if page is not None and not error else None
    if update is None or page is None:
        lasting = page_error_lasting(page, error)
        if not lasting and not last_try:
            log.info("fetch: %s: %s; tried again later", article.url, error)
            raise PageUnavailable(error)
        article_page_failed(article=article, error=error, status=page.status if page else None)
        if not lasting:
            raise PageUnavailable(error)  # kept as a JobFailure too: it failed on every try
        return "failed"
    stored = article_page_store(article=article, page=page, update=update)
    return "stored" if stored else "done"


def article_page_failed(*, article: Article, error: str, status: int | None) -> bool:
    """The page is not to be had: the article keeps its feed's text and goes on to the next stages;
    the error is kept on it and in its source's history. False when another job finished it first."""
    now = timezone.now()
    with transaction.atomic():
        claimed = Article.objects.filter(pk=article.pk, page_pending=True).update(
            page_pending=False, page_error=error[:1000]
        )
        if not claimed:
            return False
        PollEvent.objects.create(
            source_id=article.source_id,
            at=now,
            status=status,
            error=f"article page not read, feed text kept: {error}"[:4000],
        )
        articles_stored([article.pk])
    log.warning("fetch: %s: %s; the feed's text is kept", article.url, error)
    return True


def article_page_store(*, article: Article, page: FetchResult, update: PageUpdate) -> bool:
    """Store the page's text on the article with its raw page and its next jobs, in one transaction.
    False when another job stored it first."""
    with transaction.atomic():
        fields = _fields(article, update)
        canonical = update.canonical_url
        holder = _canonical_holder(article, canonical)
        claimed = 0
        if holder is None:
            try:
                with transaction.atomic():  # a savepoint: the URL may be claimed meanwhile
                    claimed = _claim(article, {**fields, "canonical_url": canonical})
            except IntegrityError:
                holder = _canonical_holder(article, canonical)
                if holder is None:
                    raise
        if holder is not None:
            # Its page says it is an article stored already (two links, or two feeds, to one page):
            # the row stays, under its own URL, as a copy of that article, and is never lost.
            log.info(
                "fetch: %s: its page names %s, stored already (article %d); kept as its copy",
                article.url, canonical, holder.pk,
            )  # fmt: skip
            claimed = _claim(article, {**fields, "duplicate_of_id": holder.duplicate_of_id or holder.pk})
        if not claimed:
            return False
        RawPage.objects.update_or_create(
            article_id=article.pk,
            defaults={
                "fetched_url": (page.final_url or article.url)[:2000],
                "status": page.status,
                "fetched_at": timezone.now(),
                "compressed_html": RawPage.compress(page.body),
            },
        )
        articles_stored([article.pk])
    return True


def _fields(article: Article, update: PageUpdate) -> dict[str, Any]:
    """The row's new values: the page's text; metadata only where the feed left it empty."""
    original = original_find(
        content_hash=update.content_hash,
        word_count=update.word_count,
        off_site=article.off_site,
        exclude=article.pk,
    )
    updated_at: datetime | None = article.updated_at or update.updated_at
    return {
        "content_html": update.content_html,
        "content_text": update.content_text,
        "word_count": update.word_count,
        "content_hash": update.content_hash,
        "extractor": update.extractor,
        "image_url": article.image_url or update.image_url,
        "author": article.author or update.author,
        "language": article.language or update.language,
        "updated_at": updated_at,
        "summary": article.summary or update.summary,
        "duplicate_of_id": original.pk if original else None,
        "page_pending": False,
        "page_error": "",
    }


def _claim(article: Article, fields: dict[str, Any]) -> int:
    return Article.objects.filter(pk=article.pk, page_pending=True).update(**fields)


def _canonical_holder(article: Article, canonical: str) -> Article | None:
    """The stored article that already holds `canonical` by the store's unique rules, if any."""
    if canonical == article.canonical_url:
        return None
    clash = Q(source_id=article.source_id)
    if not article.off_site:
        clash |= Q(off_site=False)
    return (
        Article.objects.filter(clash, canonical_url=canonical).exclude(pk=article.pk).order_by("id").first()
    )
