"""Background AI work: summaries and key points per article, digests per story (stages 5 and 6)."""

from __future__ import annotations

from dataclasses import asdict

from django.utils import timezone

from gazette.ai.digest import DigestArticle, digest_build
from gazette.ai.headline import headline_check
from gazette.ai.keypoints import keypoints_build
from gazette.ai.llm import llm_gateway
from gazette.ai.models import ArticleSummary, StoryDigest
from gazette.ai.summarize import summary_build
from gazette.articles.models import Article
from gazette.stories.models import Story


def article_summarize(article_id: int, *, force: bool = False) -> None:
    """Summary, key points and headline check of one article, cached with who wrote each; an article
    already summarised is left as it is unless `force`.

    Two LLM calls, each charged to the daily budget by the gateway; each builder falls back to its
    built-in method on its own when its call is refused or fails, and the row records which it used.
    """
    if not force and ArticleSummary.objects.filter(article_id=article_id).exists():
        return
    article = Article.objects.filter(pk=article_id).only("title", "content_text", "summary").first()
    if article is None or not article.content_text.strip():
        return
    llm = llm_gateway()
    summary = summary_build(title=article.title, text=article.content_text, llm=llm)
    keypoints = keypoints_build(
        title=article.title, text=article.content_text, llm=llm, summary=summary.sentences
    )
    ArticleSummary.objects.update_or_create(
        article_id=article.pk,
        defaults={
            "sentences": summary.sentences,
            "keypoints": keypoints.points,
            "headline_flags": headline_check(article.title),
            "method": summary.method,
            "model": summary.model or "",
            "keypoints_model": keypoints.model or "",
            "created_at": timezone.now(),
        },
    )


def story_digest(story_id: int) -> None:
    """The story digest from its original articles (copies would only repeat their original); a
    digest newer than the story's last change is left as it is."""
    story = Story.objects.filter(pk=story_id).first()
    if story is None:
        return
    made = StoryDigest.objects.filter(story=story).values_list("created_at", flat=True).first()
    if made is not None and made >= story.updated_at:
        return
    members = (
        Article.objects.filter(membership__story=story, duplicate_of__isnull=True)
        .select_related("source")
        .only("title", "content_text", "published_at", "source__name")
    )
    articles = [
        DigestArticle(a.pk, a.source.name or a.source.feed_url, a.title, a.content_text, a.published_at)
        for a in members
    ]
    if len({a.source for a in articles}) < 2:
        StoryDigest.objects.filter(story=story).delete()
        return
    digest = digest_build(articles)
    StoryDigest.objects.update_or_create(
        story=story,
        defaults={
            "data": asdict(digest),
            "article_count": story.article_count,
            "method": "extractive-overlap",
            "created_at": timezone.now(),
        },
    )
