"""What a signed-in reader keeps: follows, saved articles, and the comments they write."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gazette.articles.models import Article
from gazette.sources.models import Source
from gazette.stories.models import Entity, Story, Topic

# Plain text only; long enough for an argument, short enough to read on a phone.
COMMENT_MAX_CHARS = 2000

# The four things a reader can follow; each is a nullable column of Follow named after its kind.
FOLLOW_KINDS = ("topic", "source", "entity", "story")


def _exactly_one_target() -> Q:
    """True when exactly one of Follow's target columns is set."""
    condition = Q()
    for kind in FOLLOW_KINDS:
        term = Q(**{f"{kind}__isnull": False}) & Q(
            **{f"{other}__isnull": True for other in FOLLOW_KINDS if other != kind}
        )
        condition |= term
    return condition


class Follow(models.Model):
    """A reader following one topic, source, entity or story: its articles appear on their Following page."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    entity = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    story = models.ForeignKey(Story, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one_target(), name="follow_exactly_one_target"),
            # NULLs never collide, so each pair is unique only where its target is set.
            *(
                models.UniqueConstraint(fields=["user", kind], name=f"follow_user_{kind}_unique")
                for kind in FOLLOW_KINDS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.kind} {self.target}"

    @property
    def kind(self) -> str:
        return next(kind for kind in FOLLOW_KINDS if getattr(self, f"{kind}_id") is not None)

    @property
    def target(self) -> Topic | Source | Entity | Story:
        return getattr(self, self.kind)


class SavedArticle(models.Model):
    """An article a reader kept to read later."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="saved_by")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-saved_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "article"], name="saved_user_article_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} saved {self.article_id}"


class Comment(models.Model):
    """A reader's comment on an article: plain text, escaped when shown; moderators may hide it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField(max_length=COMMENT_MAX_CHARS)
    created_at = models.DateTimeField(default=timezone.now)
    # Any change a reader could see (a new comment, hiding, unhiding) moves this; cached pages key on it.
    changed_at = models.DateTimeField(default=timezone.now)
    hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["article", "created_at"], name="comment_article_created")]

    def __str__(self) -> str:
        return f"{self.author} on {self.article_id}: {self.body[:40]}"


class AccessToken(models.Model):
    """A personal access token for the JSON API. Only its SHA-256 is kept: the token itself is shown once,
    when it is made; its first characters (`prefix`) stay visible so the reader can tell tokens apart."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)  # hex SHA-256 of the whole token
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id}'s token {self.prefix}… ({self.name})"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class ReadState(models.Model):
    """One reader's own mark on one article: read, or kept unread although older than their watermark.

    Most articles have no row: an article is read when it is older than the reader's watermark for its
    source (ReadWatermark) or than the unread window (accounts/reading.py), and unread otherwise. Rows
    are the exceptions, so the table grows with what readers open, not with what is stored.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_states")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="read_states")
    is_read = models.BooleanField(default=True)
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="readstate_user_article_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {'read' if self.is_read else 'unread'} {self.article_id}"


class ReadWatermark(models.Model):
    """A reader marked all of a source read: its articles published at or before `read_before` are read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    read_before = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "source"], name="readwatermark_user_source_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.source_id} up to {self.read_before:%Y-%m-%d %H:%M}"


class ReaderSettings(models.Model):
    """A reader's choices about reading, and the password reader apps sign in with."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading")
    # Opening an article's page marks it read; some readers keep their unread list for apps only.
    mark_read_on_open = models.BooleanField(default=True)
    # Hashed with Django's hashers; empty: no app may sign in. Distinct from the login password so a
    # password typed into a phone app never opens the account itself.
    api_password = models.CharField(max_length=128, blank=True, default="")
    api_password_set_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "reader settings"

    def __str__(self) -> str:
        return f"settings of {self.user_id}"
