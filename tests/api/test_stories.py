"""/api/stories: the front page's ranking, paging across its end, one story's full coverage."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gazette.ai.models import StoryDigest
from gazette.stories.selectors import top_story_groups
from tests.api.conftest import TAIL
from tests.web.factories import make_article, make_source, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_stories(db):
    """Widely covered an hour ago; one outlet ten minutes ago; everyone two days ago."""
    sources = [make_source(f"Outlet {i}") for i in range(5)]
    wide = make_story(
        [make_article(s, title=f"Wide story {i}", ago=timedelta(hours=1)) for i, s in enumerate(sources[:3])]
    )
    fresh = make_story([make_article(sources[0], title="Fresh story", ago=timedelta(minutes=10))])
    old = make_story(
        [make_article(s, title=f"Old story {i}", ago=timedelta(days=2)) for i, s in enumerate(sources)]
    )
    return wide, fresh, old


def story_ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_stories_ranked_like_the_front_page(client, three_stories):
    wide, fresh, old = three_stories
    ranked = story_ids(client.get("/api/stories"))
    assert ranked == [wide.pk, fresh.pk, old.pk]
    front = top_story_groups(version=-1, now=timezone.now())
    assert [top.story.pk for top in front] == ranked
    assert story_ids(client.get("/api/stories?order=recent")) == [fresh.pk, wide.pk, old.pk]
    item = client.get("/api/stories").json()["items"][0]
    assert item["title"] == wide.title and item["outlets"] == 3 and item["article_count"] == 3
    assert item["url"] == f"http://testserver/story/{wide.pk}/"


def test_paging_runs_past_the_ranked_stories(client, three_stories, monkeypatch):
    wide, fresh, old = three_stories
    # Only the two newest stories are ranked; the rest follow, newest first.
    monkeypatch.setattr("gazette.api.stories.TOP_STORY_CANDIDATES", 2)
    pages = [client.get(f"/api/stories?limit=1&offset={n}").json() for n in range(4)]
    assert [p["items"][0]["id"] for p in pages[:3]] == [wide.pk, fresh.pk, old.pk]
    assert pages[3]["items"] == [] and all(p["count"] == 3 for p in pages)
    assert pages[0]["next"].endswith("limit=1&offset=1") and pages[2]["next"] is None
    two = client.get("/api/stories?limit=2&offset=1").json()
    assert [s["id"] for s in two["items"]] == [fresh.pk, old.pk]


def test_stories_bad_input(client, db):
    assert client.get("/api/stories?order=best").status_code == 422
    assert client.get("/api/stories?limit=500").status_code == 422
    assert client.get("/api/stories/abc").status_code == 422
    assert client.get("/api/stories/4242").json() == {"detail": "Not Found"}


def test_story_detail_members_outlets_first_report(client, corpus):
    StoryDigest.objects.create(story=corpus.story, data={"agreed": [], "outlets": 2}, method="extractive")
    response = client.get(f"/api/stories/{corpus.story.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Quake strikes Puerto Salinas"
    assert body["first_reported_by"]["id"] == corpus.original.pk
    assert body["first_reported_by"]["source"]["name"] == "Meridian Wire"
    assert body["first_reported"].startswith(corpus.original.published_at.strftime("%Y-%m-%dT%H:%M"))
    assert [s["name"] for s in body["sources"]] == ["Meridian Wire", "The Harbor Ledger", "Pinewood Herald"]
    members = {a["id"]: a for a in body["articles"]}
    assert list(members) == [corpus.original.pk, corpus.second.pk, corpus.copy.pk]
    assert members[corpus.copy.pk]["copy_of"] == corpus.original.pk
    assert members[corpus.original.pk]["copy_of"] is None
    assert members[corpus.second.pk]["original_url"] == corpus.second.url
    assert body["digest"] == {"agreed": [], "outlets": 2}
    assert body["outlets"] == 3
    # Full coverage names the articles; their text stays on their pages.
    assert TAIL not in response.content.decode()


def test_story_without_digest(client, corpus):
    assert client.get(f"/api/stories/{corpus.story.pk}").json()["digest"] is None


def test_a_story_merged_into_another_redirects_to_it(client):
    source = make_source("Meridian Wire")
    survivor = make_story([make_article(source, title="Port strike day two")])
    absorbed = make_story([make_article(source, title="Port strike begins")])
    absorbed.merged_into, absorbed.article_count = survivor, 0
    absorbed.save()
    response = client.get(f"/api/stories/{absorbed.pk}")
    assert response.status_code == 302 and response["Location"] == f"/api/stories/{survivor.pk}"
    assert client.get(response["Location"]).status_code == 200
    listed = client.get("/api/stories").json()
    assert absorbed.pk not in [s["id"] for s in listed["items"]]
