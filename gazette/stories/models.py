"""Stories (one event, every outlet), topics, entities, embeddings and related articles."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from gazette.articles.models import Article


class TopicQuerySet(models.QuerySet["Topic"]):
    def with_articles(self) -> TopicQuerySet:
        """Topics at least one article carries: one index probe per topic, not a join over every label."""
        links = ArticleTopic.objects.filter(topic=models.OuterRef("pk"))
        return self.visible().filter(models.Exists(links))

    def visible(self) -> TopicQuerySet:
        """Topics the reader site, the API and the feeds show: not hidden, not merged into another."""
        return self.filter(hidden=False, merged_into__isnull=True)


class Topic(models.Model):
    """One heading of the fixed taxonomy (World, Politics, Business, …)."""

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)
    # Set by an operator (the admin): a hidden topic is left out of every list, page and feed.
    hidden = models.BooleanField(default=False)
    # Merged by an operator into another: its articles and followers moved there, and its slug (kept as
    # an alias) leads there; the labeller files its articles there too.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="absorbed"
    )

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class ArticleTopic(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="topic_links")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="article_links")
    score = models.FloatField(default=0.0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "topic"], name="article_topic_unique")]

    def __str__(self) -> str:
        return f"{self.article_id} in {self.topic_id}"


class EntityQuerySet(models.QuerySet["Entity"]):
    def visible(self) -> EntityQuerySet:
        """Entities the reader site, the API and the feeds show: not hidden, not merged into another."""
        return self.filter(hidden=False, merged_into__isnull=True)


class Entity(models.Model):
    """A person, organisation or place named in articles."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, blank=True, default="")
    hidden = models.BooleanField(default=False)  # by an operator: left out of every list, page and feed
    # Merged by an operator into another: the row stays as an alias, so its page leads to the survivor
    # and articles that name it again are linked to the survivor (entity_store.article_entities_save).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="absorbed"
    )

    objects = EntityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entities"

    def __str__(self) -> str:
        return self.name


class ArticleEntity(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="entity_links")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="article_links")
    mentions = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "entity"], name="article_entity_unique")]

    def __str__(self) -> str:
        return f"{self.entity_id} in {self.article_id}"


class StoryQuerySet(models.QuerySet["Story"]):
    def listed(self) -> StoryQuerySet:
        return self.filter(article_count__gt=0, merged_into__isnull=True, hidden=False).order_by(
            "-last_article_at"
        )


class Story(models.Model):
    """One event as the live clusterer sees it; `key` is the clusterer's id for it."""

    key = models.CharField(max_length=64, unique=True)
    title = models.TextField(blank=True, default="")
    first_reported_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_article_at = models.DateTimeField(null=True, blank=True, db_index=True)
    article_count = models.PositiveIntegerField(default=0)
    source_count = models.PositiveIntegerField(default=0)
    first_article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    # Set when the clusterer found this story to be part of another: its page and follows lead there.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="absorbed"
    )

    # Set by an operator (the admin): the story is left out of every list and its page and feed are
    # gone; its articles stay listed as articles. The story engine never reads it, so it stays hidden.
    hidden = models.BooleanField(default=False)

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "stories"

    def __str__(self) -> str:
        return self.title or self.key


class StoryMember(models.Model):
    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="membership"
    )
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="members")

    def __str__(self) -> str:
        return f"{self.article_id} in {self.story_id}"


class Embedding(models.Model):
    """An article's sentence embedding (float32, L2-normalised) and the model that made it."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="embedding"
    )
    model = models.CharField(max_length=200)
    vector = models.BinaryField()

    def __str__(self) -> str:
        return f"{self.article_id} by {self.model}"


class Related(models.Model):
    """Nearest articles from other publishers (copies excluded), best first."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    other = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()

    class Meta:
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["article", "other"], name="related_unique")]

    def __str__(self) -> str:
        return f"{self.article_id} ~ {self.other_id}"


class EngineState(models.Model):
    """The story stage's saved state (one row): what lets any worker continue exactly where the last
    batch stopped. `version` grows by one with every batch; the state itself is in EngineStateChunk
    rows up to that version. See stories/engine.py."""

    version = models.PositiveBigIntegerField(default=0)
    saved_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"story engine state v{self.version}"


class EngineStateChunk(models.Model):
    """One version of the story state: a snapshot of all of it, or what one batch changed after the
    snapshot before it (stories/state.py). Loading takes the newest snapshot and its changes in order."""

    version = models.PositiveBigIntegerField(unique=True)
    snapshot = models.BooleanField(default=False)
    data = models.BinaryField()
    saved_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"story engine {'snapshot' if self.snapshot else 'changes'} v{self.version}"
