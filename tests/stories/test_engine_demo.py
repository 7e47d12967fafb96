"""The demo corpus through the story engine, batch by batch with restarts, against `gazette cluster`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from django.utils import timezone

import gazette.demo
from gazette.stories import engine as story_engine
from gazette.stories.clustering import ClusterDoc, ClusterOptions, StoryClusterer, cluster
from gazette.stories.engine import EngineOptions, StoryEngine, engine_reset
from gazette.stories.models import StoryMember
from tests.web.factories import make_article, make_source

CORPUS = Path(gazette.demo.__file__).parent / "corpus"
START = datetime(2025, 6, 1, tzinfo=UTC)
# The clock follows the last 20 arrivals (not 200, more than the corpus holds), so stories close as
# the three weeks go by.
OPTIONS = ClusterOptions(clock_window=20)


def demo_docs() -> list[ClusterDoc]:
    """The demo's 108 articles in published order, each event a day after the one before, so the
    stream spans three weeks: stories close and leave the window while the later ones arrive."""
    docs = []
    events = [e for path in sorted(CORPUS.glob("events_*.json")) for e in json.loads(path.read_text())]
    for day, event in enumerate(events):
        for article in event["articles"]:
            docs.append(
                ClusterDoc(
                    id=article["id"],
                    title=article["headline"],
                    text="\n".join(article["paragraphs"]),
                    published=START + timedelta(days=day, minutes=4200 - article["age_minutes"]),
                    source=article["outlet"],
                )
            )
    return sorted(docs, key=lambda d: d.published)


@pytest.mark.django_db
def test_the_demo_through_the_engine_with_restarts_groups_as_gazette_cluster(settings, monkeypatch):
    settings.GAZETTE_EMBEDDINGS = False
    monkeypatch.setattr(story_engine, "StoryClusterer", partial(StoryClusterer, OPTIONS))
    engine_reset()
    docs = demo_docs()
    sources = {d.source: make_source(d.source) for d in docs}
    stored = {}
    for d in docs:  # stored in published order, so arrival (id) order is the CLI's order
        article = make_article(sources[d.source], title=d.title, body=d.text, published_at=d.published)
        stored[article.pk] = d.id
    from gazette.articles.models import Article

    Article.objects.update(enriched_at=timezone.now())
    options = EngineOptions(batch=8, window_days=3)
    engine = StoryEngine.load(options)
    batches = 0
    while engine.assign_pending()[0]:
        batches += 1
        if batches % 2:
            engine = StoryEngine.load(options)  # a restart continues from the saved state
    live: dict[int, set[str]] = {}
    for article_id, story_id in StoryMember.objects.values_list("article_id", "story_id"):
        live.setdefault(story_id, set()).add(stored[article_id])
    cli: dict[str, set[str]] = {}
    for doc_id, story in cluster(docs, OPTIONS).items():
        cli.setdefault(story, set()).add(doc_id)
    assert sorted(map(sorted, live.values())) == sorted(map(sorted, cli.values()))
    assert len(cli) >= 20
    # The saved state held the recent stories and copies only, not the three weeks.
    assert len(engine.clusterer.stories()) < len(cli) / 2
    assert len(engine.copies) < len(docs) / 2
