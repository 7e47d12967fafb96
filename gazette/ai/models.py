"""What the AI panel shows, computed in the background and cached with its method and model."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from gazette.articles.models import Article


class ArticleSummary(models.Model):
    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="ai_summary"
    )
    sentences = models.JSONField(default=list, help_text="the summary, one sentence per item")
    keypoints = models.JSONField(default=list)
    headline_flags = models.JSONField(
        default=list, help_text="why the headline looks like clickbait, if it does"
    )
    method = models.CharField(max_length=100)
    model = models.CharField(max_length=200, blank=True, default="", help_text="the summary's writer")
    # Each of the job's two LLM calls is charged and may be refused or fail on its own, so the key
    # points may come from the built-in method while the summary is the model's, or the other way.
    keypoints_model = models.CharField(
        max_length=200,
        blank=True,
        default="",
        help_text="the key points' writer; empty: chosen from the article",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "article summaries"

    def __str__(self) -> str:
        return f"summary of {self.article_id} ({self.method})"


class StoryDigest(models.Model):
    """Where the outlets covering a story agree and differ; rebuilt when the story grows."""

    story = models.OneToOneField(
        "stories.Story", on_delete=models.CASCADE, primary_key=True, related_name="digest"
    )
    data = models.JSONField(default=dict)
    article_count = models.PositiveIntegerField(default=0, help_text="story size the digest was built from")
    method = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"digest of story {self.story_id}"


class UsageDay(models.Model):
    """LLM calls per day, to enforce the operator's daily limit."""

    day = models.DateField(unique=True)
    llm_calls = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.llm_calls}"
