"""An operator's merges of topics (entities: entity_store.entity_merge; stories: engine.stories_merge)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from gazette.stories.models import ArticleTopic, Topic


def topics_merge(*, topics: list[Topic], into: Topic) -> None:
    """Move the topics' article labels and followers to `into`; each merged topic keeps its row as an
    alias pointing there (its page leads there, the labeller files its articles there)."""
    from gazette.accounts.models import Follow

    others = [t for t in topics if t.pk != into.pk]
    if not others:
        return
    ids = [t.pk for t in others]
    with transaction.atomic():
        # One label per article: the best score of the labels merged.
        best = (
            ArticleTopic.objects.filter(topic_id__in=[*ids, into.pk])
            .values("article_id")
            .annotate(score=Max("score"))
        )
        scores = {row["article_id"]: row["score"] for row in best}
        ArticleTopic.objects.filter(topic_id__in=ids).delete()
        ArticleTopic.objects.bulk_create(
            [ArticleTopic(article_id=a, topic=into, score=score) for a, score in scores.items()],
            update_conflicts=True,
            unique_fields=["article", "topic"],
            update_fields=["score"],
        )
        following = set(Follow.objects.filter(topic=into).values_list("user_id", flat=True))
        Follow.objects.filter(topic_id__in=ids, user_id__in=following).delete()
        for follow in Follow.objects.filter(topic_id__in=ids).order_by("pk"):
            if follow.user_id in following:
                follow.delete()  # followed two of the merged topics: one follow is enough
                continue
            following.add(follow.user_id)
            Follow.objects.filter(pk=follow.pk).update(topic=into)
        Topic.objects.filter(merged_into_id__in=ids).update(merged_into=into)
        Topic.objects.filter(pk__in=ids).update(merged_into=into)
