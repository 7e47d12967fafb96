"""Stored articles and the raw pages they were extracted from."""

from __future__ import annotations

import zlib

from django.db import models
from django.utils import timezone

from gazette.ingest.sanitize import html_to_text
from gazette.sources.models import Source


class ArticleQuerySet(models.QuerySet["Article"]):
    def originals(self) -> ArticleQuerySet:
        """Articles that are not exact copies of another stored article."""
        return self.filter(duplicate_of__isnull=True)

    def recent(self) -> ArticleQuerySet:
        return self.order_by("-published_at", "-id")


class Article(models.Model):
    """One article from one source; text and HTML are cleaned and sanitised before they are stored."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="articles")
    guid = models.CharField(max_length=1000)
    url = models.URLField(max_length=2000, help_text="the link as the feed gave it")
    canonical_url = models.URLField(max_length=2000)
    # The link is on another site than the feed's (an aggregator's item): the article is this source's
    # alone and does not claim the URL, which stays free for its own outlet (ingest/pipeline.py, 8).
    off_site = models.BooleanField(default=False)
    title = models.TextField()
    author = models.CharField(max_length=300, blank=True, default="")
    summary = models.TextField(blank=True, default="", help_text="sanitised teaser from the feed")
    content_html = models.TextField(blank=True, default="", help_text="sanitised main content")
    content_text = models.TextField(blank=True, default="")
    image_url = models.URLField(max_length=2000, blank=True, default="")
    language = models.CharField(max_length=16, blank=True, default="")
    published_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)
    word_count = models.PositiveIntegerField(default=0)
    content_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)
    extractor = models.CharField(
        max_length=32, blank=True, default="", help_text="pipeline step that gave the text"
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    # Progress through the durable stages (gazette/jobs/stages.py): set by the stage that finished.
    # Stored from a teaser feed, the article holds the feed's text until the fetch stage has read its
    # page; enrichment and the summary wait for that, so they never work on an excerpt to be replaced.
    page_pending = models.BooleanField(default=False, help_text="its page is still to be fetched")
    page_error = models.CharField(
        max_length=1000, blank=True, default="", help_text="why its page was not read (feed text kept)"
    )
    enriched_at = models.DateTimeField(null=True, blank=True, help_text="topics, entities, embedding done")
    clustered_at = models.DateTimeField(null=True, blank=True, help_text="copies, story, related done")

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "guid"], name="article_source_guid_unique"),
            # One article per URL among those on their own feed's site, whichever source stored it...
            models.UniqueConstraint(
                fields=["canonical_url"],
                condition=models.Q(off_site=False),
                name="article_url_claimed_unique",
            ),
            # ...and one per URL within a source, off-site links included.
            models.UniqueConstraint(fields=["source", "canonical_url"], name="article_source_url_unique"),
        ]
        indexes = [
            # A source's newest articles: its page, and a reader's unread articles per followed source.
            models.Index(fields=["source", "published_at", "id"], name="article_source_published"),
            models.Index(fields=["id"], condition=models.Q(page_pending=True), name="article_to_fetch"),
            models.Index(
                fields=["id"], condition=models.Q(enriched_at__isnull=True), name="article_to_enrich"
            ),
            models.Index(
                fields=["id"], condition=models.Q(clustered_at__isnull=True), name="article_to_cluster"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def body_text(self) -> str:
        """The text to analyse: the article's, or for an excerpt-only item (a teaser feed whose page
        was not fetched) the feed's teaser, so it is not judged by its headline alone."""
        return self.content_text or html_to_text(self.summary).strip()


class RawPage(models.Model):
    """The fetched HTML of an article page, zlib-compressed, so extraction can be re-run later."""

    article = models.OneToOneField(Article, on_delete=models.CASCADE, related_name="raw")
    fetched_url = models.URLField(max_length=2000)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)
    compressed_html = models.BinaryField()

    def __str__(self) -> str:
        return self.fetched_url

    @staticmethod
    def compress(html: bytes) -> bytes:
        return zlib.compress(html, 6)

    @property
    def html(self) -> bytes:
        return zlib.decompress(bytes(self.compressed_html))
