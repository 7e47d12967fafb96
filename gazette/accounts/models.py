"""What a signed-in reader keeps: follows, saved articles, and the comments they write."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from gazette.articles.models import Article
from gazette.sources.models import Source
from gazette.stories.models import Entity, Story, Topic

# Long enough for an argument, short enough to read on a phone (counted as typed, before formatting).
COMMENT_MAX_CHARS = 2000
# The group whose members work the report queue, besides staff (created by a migration).
MODERATORS_GROUP = "moderators"

# Long enough for a full name, short enough for a comment's byline.
DISPLAY_NAME_MAX_CHARS = 50

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


class _Targeted(models.Model):
    """One topic, source, entity or story a reader chose (exactly one of the four is set)."""

    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    entity = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    story = models.ForeignKey(Story, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    @property
    def kind(self) -> str:
        return next(kind for kind in FOLLOW_KINDS if getattr(self, f"{kind}_id") is not None)

    @property
    def target(self) -> Topic | Source | Entity | Story:
        return getattr(self, self.kind)


def _one_target_per_reader(prefix: str) -> list[models.BaseConstraint]:
    """Exactly one target set, and each reader's targets unique (NULLs never collide, so each pair is
    unique only where its target is set)."""
    return [
        models.CheckConstraint(condition=_exactly_one_target(), name=f"{prefix}_exactly_one_target"),
        *(
            models.UniqueConstraint(fields=["user", kind], name=f"{prefix}_user_{kind}_unique")
            for kind in FOLLOW_KINDS
        ),
    ]


class Follow(_Targeted):
    """A reader following one topic, source, entity or story: its articles appear on their Following page."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = _one_target_per_reader("follow")

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.kind} {self.target}"


class ForYouMute(_Targeted):
    """A reader asked For you to show fewer like this: nothing of this topic, source, entity or story there."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="foryou_mutes")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = _one_target_per_reader("foryoumute")

    def __str__(self) -> str:
        return f"{self.user_id} mutes {self.kind} {self.target}"


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
    """A reader's comment on an article or a story, or a reply to one (one level deep).

    `body` is what the reader typed (a small Markdown subset); `body_html` is it rendered and sanitised when
    stored, so pages never render reader text themselves.
    """

    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    story = models.ForeignKey(Story, null=True, blank=True, on_delete=models.CASCADE, related_name="comments")
    # Replies hang off a top-level comment only; a reply to a reply is stored under the same top comment.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    body = models.TextField(max_length=COMMENT_MAX_CHARS)
    body_html = models.TextField(default="")
    created_at = models.DateTimeField(default=timezone.now)
    # Any change a reader could see (a new comment, an edit, hiding, unhiding) moves this; cached pages key on it.
    changed_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    # Deleted by its author while it had replies: kept as "[deleted]" so the replies keep their place.
    deleted_at = models.DateTimeField(null=True, blank=True)
    hidden = models.BooleanField(default=False)
    # A hidden comment with no moderator was hidden by readers' reports and waits for review.
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["article", "created_at"], name="comment_article_created"),
            models.Index(fields=["story", "created_at"], name="comment_story_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False, story__isnull=True)
                | Q(article__isnull=True, story__isnull=False),
                name="comment_on_article_or_story",
            )
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.article_id or self.story_id}: {self.body[:40]}"

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


class CommentReport(models.Model):
    """One reader telling the moderators that a comment breaks the rules, and why."""

    REASONS = (
        ("spam", "Spam or advertising"),
        ("abuse", "Abuse or harassment"),
        ("hate", "Hate speech"),
        ("misinformation", "Misleading or false"),
        ("other", "Something else"),
    )

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20, choices=REASONS)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when a moderator acted on the comment (hid, restored or dismissed): the report leaves the queue.
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="report_comment_reporter_unique")
        ]
        indexes = [models.Index(fields=["resolved_at", "created_at"], name="report_open_created")]

    def __str__(self) -> str:
        return f"{self.reporter_id} reported {self.comment_id}: {self.reason}"


class Suspension(models.Model):
    """A reader barred from posting until `ends_at` (None: for good), unless lifted earlier."""

    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions")
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reader_id} suspended until {self.ends_at or 'for good'}"


class ModerationLog(models.Model):
    """The audit log: who did what to which comment or reader, why and when. Rows are never changed."""

    ACTIONS = (
        ("hide", "Hid a comment"),
        ("restore", "Restored a comment"),
        ("dismiss", "Dismissed the reports"),
        ("auto_hide", "Hidden by readers' reports"),
        ("suspend", "Suspended a reader"),
        ("unsuspend", "Lifted a suspension"),
    )

    # None: the site itself (a comment hidden by reports).
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20, choices=ACTIONS)
    comment = models.ForeignKey(Comment, null=True, on_delete=models.SET_NULL, related_name="+")
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the comment said when the action was taken: the comment may be deleted later.
    excerpt = models.CharField(max_length=200, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.moderator_id} {self.action} {self.comment_id or self.reader_id}"


class Notification(models.Model):
    """Something for a reader under the bell until read: a reply to their comment, or new articles in a
    story they follow. A story has at most one unread notification per reader, whose `count` grows as
    articles join, so a busy story rings the bell once, not once per article."""

    KINDS = (("reply", "A reply to a comment"), ("story", "New articles in a followed story"))

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=10, choices=KINDS, default="reply")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    story = models.ForeignKey(Story, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # New articles in the story since the reader last read their notifications (0 for a reply).
    count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    # A story's notification moves up the list when it grows; a reply's never changes.
    updated_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="reply", comment__isnull=False, story__isnull=True)
                | Q(kind="story", comment__isnull=True, story__isnull=False),
                name="notification_reply_or_story",
            ),
            # Two batches racing can never make a second unread notification for one story.
            models.UniqueConstraint(
                fields=["recipient", "story"],
                condition=Q(read_at__isnull=True, story__isnull=False),
                name="notification_one_unread_per_story",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == "story":
            return f"{self.recipient_id}: {self.count} new in story {self.story_id}"
        return f"{self.recipient_id}: reply {self.comment_id}"


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


# Long enough for any folder-like name an app offers, short enough to index.
LABEL_MAX_CHARS = 100


class ItemLabel(models.Model):
    """A label a reader put on an article from a reader app (Google Reader's user/-/label/NAME).

    Only that reader sees it. Labels made from the site's own data (a source's categories, followed topics
    and stories) are not stored here: they come from the data itself.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="item_labels")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=LABEL_MAX_CHARS)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article", "name"], name="itemlabel_user_article_name")
        ]
        indexes = [models.Index(fields=["user", "name"], name="itemlabel_user_name")]

    def __str__(self) -> str:
        return f"{self.user_id} labelled {self.article_id} {self.name}"


class ReaderSettings(models.Model):
    """A reader's choices about reading, and the password reader apps sign in with."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading")
    # Opening an article's page marks it read; some readers keep their unread list for apps only.
    mark_read_on_open = models.BooleanField(default=True)
    # Hashed with Django's hashers; empty: no app may sign in. Distinct from the login password so a
    # password typed into a phone app never opens the account itself.
    api_password = models.CharField(max_length=128, blank=True, default="")
    api_password_set_at = models.DateTimeField(null=True, blank=True)
    # The Fever protocol's api_key (an MD5 the app computes) under an HMAC with the site's secret key,
    # set with the API password; empty: no Fever app may sign in (accounts/api_password.py says why).
    fever_key = models.CharField(max_length=64, blank=True, default="", db_index=True)
    # Shown on the reader's comments instead of their username; empty: the username.
    display_name = models.CharField(max_length=DISPLAY_NAME_MAX_CHARS, blank=True, default="")
    # When the reader's current visit to For you began, and when their one before it did: what arrived
    # since the one before is "new" there, and stays new while they look (accounts/foryou.py).
    foryou_visit_at = models.DateTimeField(null=True, blank=True)
    foryou_previous_visit_at = models.DateTimeField(null=True, blank=True)
    # A daily e-mail of new articles in what the reader follows and their unread notifications.
    email_digest = models.BooleanField(default=False)
    # The day (GAZETTE_TIME_ZONE) the last digest went out: claimed before sending, so one a day at most.
    digest_sent_on = models.DateField(null=True, blank=True)
    # Set at sign-up while GAZETTE_EMAIL_VERIFICATION is on, cleared by the link in the e-mail; the
    # reader cannot comment meanwhile. Accounts from before the setting, or made by the operator, never
    # have it set.
    email_unverified = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "reader settings"

    def __str__(self) -> str:
        return f"settings of {self.user_id}"
