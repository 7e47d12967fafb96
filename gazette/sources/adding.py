"""source_add and OPML import/export: how feeds get into Gazette."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from gazette.ingest.config import FEED_ACCEPT
from gazette.ingest.discovery import COMMON_FEED_PATHS, discover_feeds, find_icon, looks_like_feed
from gazette.ingest.feeds import FeedError, ParsedFeed, parse_feed
from gazette.ingest.fetcher import Fetcher, FetchOptions
from gazette.ingest.opml import SITEMAP_TYPE, OpmlOutline, parse_opml, render_opml
from gazette.ingest.urls import canonicalize_url
from gazette.sources.models import Category, Source
from gazette.sources.polling import fetch_options

log = logging.getLogger(__name__)

DEFAULT_FEEDS = Path(__file__).with_name("default_feeds.opml")


class SourceAddError(Exception):
    """The URL is neither a feed nor a page that leads to one; the message says why, in one line."""


@dataclass
class FoundFeed:
    feed_url: str
    feed: ParsedFeed
    icon: str | None = None


async def _find_feed(url: str, options: FetchOptions) -> FoundFeed:
    async with Fetcher(options) as fetcher:
        result = await fetcher.fetch(url, accept=FEED_ACCEPT)
        if result.error:
            raise SourceAddError(f"{url}: {result.error}")
        final = result.final_url or url
        if looks_like_feed(result.body, result.content_type):
            try:
                return FoundFeed(final, parse_feed(result.body, final, result.content_type))
            except FeedError as exc:
                raise SourceAddError(f"{url}: {exc}") from None
        # A web page: follow its advertised feeds, then the usual paths.
        icon = find_icon(result.body, final)
        candidates = discover_feeds(result.body, final)
        candidates += [canonicalize_url(path, base=final) for path in COMMON_FEED_PATHS]
        tried: list[str] = []
        for candidate in dict.fromkeys(candidates):
            tried.append(candidate)
            found = await fetcher.fetch(candidate, accept=FEED_ACCEPT)
            if found.error or not looks_like_feed(found.body, found.content_type):
                continue
            try:
                feed = parse_feed(found.body, found.final_url or candidate, found.content_type)
            except FeedError:
                continue
            return FoundFeed(found.final_url or candidate, feed, icon)
        raise SourceAddError(f"{url}: no feed found on the page or at {len(tried)} usual feed addresses")


def source_add(
    url: str,
    *,
    name: str = "",
    categories: Iterable[str] = (),
    discover: bool = True,
    options: FetchOptions | None = None,
) -> Source:
    """Add a feed by its URL, or by a site URL whose feed is discovered; returns the source."""
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise SourceAddError(f"{url!r}: only http and https addresses can be added")
    existing = Source.objects.filter(feed_url=url).first()
    if existing:
        category_assign(existing, categories)
        return existing
    feed_url, feed, icon = url, None, None
    if discover:
        found = asyncio.run(_find_feed(url, options or fetch_options()))
        feed_url, feed, icon = found.feed_url, found.feed, found.icon
    with transaction.atomic():
        source, created = Source.objects.get_or_create(feed_url=feed_url[:2000])
        if created:
            source.name = name[:200]
            if feed:
                source.fill_from_feed(feed, icon=icon or "")
                source.icon_url = source.icon_url or _favicon_guess(source.site_url)[:2000]
            source.save()
        category_assign(source, categories)
    log.info("source: added %s", source.feed_url)
    return source


def _favicon_guess(site_url: str) -> str:
    """/favicon.ico of the site: where browsers look when a page names no icon."""
    if not site_url.startswith(("http://", "https://")):
        return ""
    return canonicalize_url("/favicon.ico", base=site_url)


def category_assign(source: Source, names: Iterable[str]) -> None:
    for name in names:
        name = name.strip()
        if not name:
            continue
        slug = slugify(name)[:100] or "category"
        category, _ = Category.objects.get_or_create(slug=slug, defaults={"name": name[:100]})
        source.categories.add(category)


@dataclass
class ImportReport:
    added: list[Source] = field(default_factory=list)
    existing: int = 0
    errors: list[str] = field(default_factory=list)


def sources_import_opml(data: bytes) -> ImportReport:
    """Add every feed an OPML file lists, with its folders as categories; no network needed."""
    report = ImportReport()
    outlines: list[OpmlOutline] = parse_opml(data)
    for outline in outlines:
        if not outline.url.startswith(("http://", "https://")):
            report.errors.append(f"{outline.url!r}: not an http(s) feed address")
            continue
        with transaction.atomic():
            source, created = Source.objects.get_or_create(feed_url=outline.url[:2000])
            if created:
                source.name = (outline.title or "")[:200]
                source.site_url = (outline.site_url or "")[:2000]
                source.kind = Source.Kind.SITEMAP if outline.kind == SITEMAP_TYPE else ""
                source.save()
                report.added.append(source)
            else:
                report.existing += 1
            category_assign(source, outline.categories)
    return report


def sources_export_opml() -> str:
    """Every source as OPML 2.0, categories as folders."""
    outlines = [
        OpmlOutline(
            url=s.feed_url,
            title=s.name or None,
            site_url=s.site_url or None,
            categories=[c.name for c in s.categories.all()],
            kind=SITEMAP_TYPE if s.kind == Source.Kind.SITEMAP else "",
        )
        for s in Source.objects.prefetch_related("categories").order_by("name", "id")
    ]
    return render_opml(outlines)
