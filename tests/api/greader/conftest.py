"""Reader-app test setup: two readers with API passwords, followed sources in folders, and their articles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client

from gazette.accounts.api_password import api_password_set
from gazette.accounts.follows import follow_add
from gazette.articles.models import Article
from gazette.sources.models import Source
from gazette.stories.models import Story
from tests.web.factories import make_article, make_category, make_source, make_story, make_summary

API_PASSWORD = "app-only-river-stone-77"
OTHER_API_PASSWORD = "other-app-meadow-91"
LOGIN_PASSWORD = "login-only-quiet-harbour-42"


@dataclass
class Library:
    reader: User
    other: User
    wire: Source
    ledger: Source
    herald: Source
    unfollowed: Source
    articles: list[Article]  # newest first, every article of the followed sources
    story: Story
    lone: Article  # in an unfollowed source


@pytest.fixture
def library(db) -> Library:
    world = make_category("World")
    business = make_category("Business")
    wire = make_source("Meridian Wire", categories=[world])
    ledger = make_source("The Harbor Ledger", categories=[world, business])
    herald = make_source("Pinewood Herald", display=Source.Display.EXCERPT)
    unfollowed = make_source("Elsewhere Daily")
    articles = []
    for i in range(12):
        source = (wire, ledger, herald)[i % 3]
        articles.append(
            make_article(
                source,
                title=f"Harbour report number {i}",
                body=f"Full text of harbour report {i}. The full text continues at length.",
                summary=f"<p>Teaser of report {i}</p>",
                author="Lucía Ferrer",
                ago=timedelta(hours=i + 1),
            )
        )
    make_summary(articles[0], sentences=["An AI summary of report zero."])
    story = make_story(articles[:2], title="Harbour reports")
    lone = make_article(unfollowed, title="Far away news", ago=timedelta(minutes=5))
    reader = User.objects.create_user("rita", email="rita@example.org", password=LOGIN_PASSWORD)
    other = User.objects.create_user("otto", email="otto@example.org", password=LOGIN_PASSWORD)
    api_password_set(user=reader, raw=API_PASSWORD)
    api_password_set(user=other, raw=OTHER_API_PASSWORD)
    for source in (wire, ledger, herald):
        follow_add(user=reader, target=source)
        follow_add(user=other, target=source)
    follow_add(user=reader, target=story)
    return Library(reader, other, wire, ledger, herald, unfollowed, articles, story, lone)


class App:
    """A reader app's side of the protocol over Django's test client: sign in once, then call."""

    def __init__(self, login: str, password: str):
        self.client = Client()
        response = self.client.post("/api/greader/accounts/ClientLogin", {"Email": login, "Passwd": password})
        assert response.status_code == 200, response.content
        lines = dict(line.split("=", 1) for line in response.content.decode().splitlines())
        self.auth = lines["Auth"]
        self.headers = {"Authorization": f"GoogleLogin auth={self.auth}"}
        self.token = self.get("token").content.decode().strip()

    def get(self, endpoint: str, params=None):
        return self.client.get(f"/api/greader/reader/api/0/{endpoint}", params or {}, headers=self.headers)

    def post(self, endpoint: str, data=None, *, token: bool = True):
        data = dict(data or {})
        if token:
            data.setdefault("T", self.token)
        return self.client.post(f"/api/greader/reader/api/0/{endpoint}", data, headers=self.headers)


@pytest.fixture
def app(library) -> App:
    return App("rita", API_PASSWORD)


@pytest.fixture
def other_app(library) -> App:
    return App("otto@example.org", OTHER_API_PASSWORD)


@pytest.fixture(autouse=True)
def _quick_hashes(settings):
    """The API password is hashed like any password; a fast hasher keeps these tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
