"""API test setup: the web tests' settings, and a small corpus with a copy, a story, a topic and an entity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gazette.accounts.tokens import access_token_create
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


# Personas for the reader's own operations: two readers, each with a token, and a way to call as one.
PASSWORD = "quiet-harbour-lantern-42"


def token_for(user: User, name: str = "phone") -> str:
    return access_token_create(user=user, name=name)[1]


def bearer(token: str) -> Client:
    """A client sending this token, as an app would: no cookies, no CSRF token."""
    return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def reader(db) -> User:
    return User.objects.create_user("rita", password=PASSWORD)


@pytest.fixture
def other_reader(db) -> User:
    return User.objects.create_user("omar", password=PASSWORD)


@pytest.fixture
def reader_api(reader) -> Client:
    return bearer(token_for(reader))


@pytest.fixture
def other_api(other_reader) -> Client:
    return bearer(token_for(other_reader))
