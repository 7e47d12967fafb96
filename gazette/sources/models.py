"""Publishers' feeds, their health, their categories and their rules."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from gazette.ingest.feeds import ParsedFeed
from gazette.ingest.filters import rule_error


class Category(models.Model):
    """A folder or tag a source belongs to; a source may have several."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


def feed_host(url: str) -> str:
    """The host a feed is fetched from, as politeness counts it: name and port, lower case."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}:{port}" if port else host


class SourceQuerySet(models.QuerySet["Source"]):
    def active(self) -> SourceQuerySet:
        return self.filter(is_active=True)

    def due(self, now=None) -> SourceQuerySet:
        """Active sources whose next poll time has come."""
        now = now or timezone.now()
        return self.active().filter(next_poll_at__lte=now).order_by("next_poll_at")

    def claimed(self, since: datetime) -> SourceQuerySet:
        """Sources whose poll was handed out after `since` and has not stored its outcome yet."""
        return self.filter(claimed_at__gt=since)

    def failing(self) -> SourceQuerySet:
        return self.filter(consecutive_errors__gt=0)


class Source(models.Model):
    """One feed (RSS, Atom, JSON Feed or news sitemap) of one publisher."""

    class Kind(models.TextChoices):
        UNKNOWN = "", "unknown"
        RSS = "rss", "RSS"
        ATOM = "atom", "Atom"
        RDF = "rdf", "RSS 1.0"
        JSON = "json", "JSON Feed"
        SITEMAP = "sitemap", "News sitemap"
        CDF = "cdf", "CDF"

    class Display(models.TextChoices):
        FULL = "full", "Full text"
        EXCERPT = "excerpt", "Excerpt with a link to the original"

    feed_url = models.URLField(max_length=2000, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, blank=True, default="")
    name = models.CharField(max_length=200, blank=True, default="")
    site_url = models.URLField(max_length=2000, blank=True, default="")
    icon_url = models.URLField(max_length=2000, blank=True, default="")
    language = models.CharField(max_length=16, blank=True, default="")
    categories = models.ManyToManyField(Category, blank=True, related_name="sources")
    display = models.CharField(max_length=10, choices=Display.choices, default=Display.FULL)
    is_active = models.BooleanField(default=True)

    # Labels the operator may set for coverage breakdowns.
    country = models.CharField(max_length=64, blank=True, default="")
    ownership = models.CharField(max_length=64, blank=True, default="")
    lean = models.CharField(max_length=32, blank=True, default="")

    # Per-source extraction rules: one CSS selector per line.
    keep_selectors = models.TextField(
        blank=True, default="", help_text="CSS selectors to keep (one per line)"
    )
    drop_selectors = models.TextField(
        blank=True, default="", help_text="CSS selectors to drop (one per line)"
    )

    # Polling state.
    poll_interval = models.PositiveIntegerField(default=1800, help_text="seconds between polls")
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set when the scheduler hands the source to a poll job, cleared when the poll's outcome is
    # stored: the scheduler counts these per host to keep a host's polls to GAZETTE_POLLS_PER_HOST.
    claimed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    etag = models.CharField(max_length=500, blank=True, default="")
    last_modified = models.CharField(max_length=100, blank=True, default="")
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    consecutive_errors = models.PositiveIntegerField(default=0)
    articles_per_day = models.FloatField(default=0.0)

    # WebSub (PubSubHubbub).
    websub_hub = models.URLField(max_length=2000, blank=True, default="")
    websub_topic = models.URLField(max_length=2000, blank=True, default="")
    websub_secret = models.CharField(max_length=64, blank=True, default="")
    websub_expires_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name or self.feed_url

    @property
    def health(self) -> str:
        """ok, failing or never polled: what the source list shows at a glance."""
        if self.last_polled_at is None:
            return "new"
        return "failing" if self.consecutive_errors else "ok"

    def fill_from_feed(self, feed: ParsedFeed, *, icon: str = "") -> None:
        """Fill metadata the operator left empty from the feed; never overwrite what they set."""
        self.kind = self.kind or (feed.kind if feed.kind in Source.Kind.values else "")
        self.name = self.name or (feed.title or "")[:200]
        self.site_url = self.site_url or (feed.link or "")[:2000]
        self.language = self.language or (feed.language or "")[:16]
        self.icon_url = self.icon_url or (feed.icon or icon or "")[:2000]
        if feed.websub_hub:
            self.websub_hub = feed.websub_hub[:2000]
            self.websub_topic = (feed.self_url or self.feed_url)[:2000]

    def selectors(self, field: str) -> tuple[str, ...]:
        return tuple(line.strip() for line in getattr(self, field).splitlines() if line.strip())

    def websub_active(self, now=None) -> bool:
        now = now or timezone.now()
        return bool(self.websub_expires_at and self.websub_expires_at > now)

    def backoff_delay(self, max_backoff: int) -> timedelta:
        """Exponential back-off after errors, capped: interval × 2^(errors-1)."""
        exponent = min(self.consecutive_errors, 16)
        seconds = self.poll_interval * (2 ** max(exponent - 1, 0))
        return timedelta(seconds=min(seconds, max_backoff))


class FilterRule(models.Model):
    """Keep or drop entries matching a keyword or regex; applies to all sources when source is empty."""

    class Action(models.TextChoices):
        DROP = "drop", "Drop matching entries"
        KEEP = "keep", "Keep only matching entries"

    class Field(models.TextChoices):
        ANY = "any", "title, summary or URL"
        TITLE = "title", "title"
        CONTENT = "content", "summary or content"
        URL = "url", "URL"
        AUTHOR = "author", "author"

    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.CASCADE, related_name="rules")
    action = models.CharField(max_length=4, choices=Action.choices, default=Action.DROP)
    field = models.CharField(max_length=8, choices=Field.choices, default=Field.ANY)
    pattern = models.CharField(max_length=500)
    is_regex = models.BooleanField(default=False)

    def __str__(self) -> str:
        scope = self.source or "all sources"
        return f"{self.action} {self.field}~{self.pattern!r} ({scope})"

    def clean(self) -> None:
        error = rule_error(self.pattern, self.is_regex)
        if error:
            raise ValidationError({"pattern": error})


class PollEvent(models.Model):
    """One poll of one source, for the operator's health history."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    new_articles = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    elapsed_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.source_id} at {self.at:%Y-%m-%d %H:%M}: {self.error or self.status}"


class FetchHost(models.Model):
    """A host requests are sent to, as politeness counts it (feed_host): when its next request may
    start, whichever worker on whichever machine sends it. Its row is what a claim locks (hosts.py)."""

    name = models.CharField(max_length=300, unique=True)
    next_start_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class HostLease(models.Model):
    """One request in flight to a host, held from its claim to its release; a lease whose worker was
    killed before releasing it lapses at `expires_at` and stops counting."""

    host = models.ForeignKey(FetchHost, on_delete=models.CASCADE, related_name="leases")
    token = models.UUIDField(unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.host_id} until {self.expires_at:%H:%M:%S}"
