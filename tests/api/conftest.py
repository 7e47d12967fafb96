"""API test setup: the web tests' settings, and a small corpus with a copy, a story, a topic and an entity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from gazette.articles.models import Article
from gazette.sources.models import Source
from gazette.stories.models import ArticleEntity, ArticleTopic, Entity, Story, Topic
from tests.web.conftest import _web_settings  # noqa: F401 - an autouse fixture
from tests.web.factories import make_article, make_entity, make_source, make_story, make_topic

# A sentence deep in the text: past the feed teaser, the card teaser and the start lists load.
TAIL = "Only the full text says that the levee held at 4,217 sandbags."
FILLER = " ".join(f"Paragraph {i} describes the harbour works in patient detail." for i in range(12))


def long_body(lead: str) -> str:
    return f"{lead}. {FILLER} {TAIL}"


@dataclass
class Corpus:
    wire: Source
    ledger: Source
    herald: Source
    original: Article
    second: Article
    copy: Article
    other: Article
    story: Story
    topic: Topic
    entity: Entity


@pytest.fixture
def corpus(db) -> Corpus:
    wire = make_source("Meridian Wire")
    ledger = make_source("The Harbor Ledger")
    # An excerpt-only source: the site shows only its teaser, so the API must too.
    herald = make_source("Pinewood Herald", display=Source.Display.EXCERPT)
    original = make_article(
        wire,
        title="Quake strikes Puerto Salinas",
        body=long_body("A quake struck Puerto Salinas before dawn"),
        author="Lucía Ferrer",
        ago=timedelta(hours=3),
    )
    second = make_article(
        ledger,
        title="Rescuers dig through rubble in Puerto Salinas",
        body=long_body("Rescuers in Puerto Salinas dug through rubble"),
        ago=timedelta(hours=2),
    )
    copy = make_article(
        herald,
        title="Wire: quake hits port city",
        body=long_body("A quake struck Puerto Salinas before dawn"),
        ago=timedelta(hours=1),
        duplicate_of=original,
    )
    other = make_article(ledger, title="Markets close higher on tech rally", ago=timedelta(days=2))
    story = make_story([original, second, copy], title="Quake strikes Puerto Salinas")
    topic = make_topic("world", "World")
    entity = make_entity("Puerto Salinas")
    for article in (original, second):
        ArticleTopic.objects.create(article=article, topic=topic, score=0.9)
        ArticleEntity.objects.create(article=article, entity=entity, mentions=2)
    return Corpus(wire, ledger, herald, original, second, copy, other, story, topic, entity)
