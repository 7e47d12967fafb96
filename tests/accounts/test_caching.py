"""Shared caching never carries one reader's state to another (gazette/web/views/caching.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from gazette.accounts.follows import follow_add
from gazette.accounts.saved import saved_article_add
from gazette.stories.models import ArticleTopic
from tests.accounts.conftest import signed_in
from tests.web.factories import make_article, make_entity, make_source, make_story, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    """Every cached page family, each showing something a reader can follow or save."""
    source = make_source("Meridian Wire")
    article = make_article(source, title="Harbour bridge approved")
    topic = make_topic("science")
    ArticleTopic.objects.create(article=article, topic=topic)
    entity = make_entity("Puerto Salinas")
    story = make_story([article])
    return {
        "article": article,
        "topic": topic,
        "urls": [
            "/",
            f"/article/{article.pk}/",
            "/topic/science/",
            f"/source/{source.pk}/",
            f"/entity/{entity.slug}/",
            f"/story/{story.pk}/",
            "/stories/",
            "/sources/",
            "/search?q=harbour",
        ],
    }


def warm(client: Client, url: str):
    """Two visits: the first may hand out the CSRF cookie (so is private); the second is the shared copy."""
    client.get(url)
    return client.get(url)


def test_signed_in_pages_are_private_and_not_conditional(pages, reader_client):
    for url in pages["urls"]:
        response = reader_client.get(url)
        assert response.status_code == 200, url
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"], url
        assert "public" not in response["Cache-Control"], url
        assert not response.has_header("ETag") and not response.has_header("Last-Modified"), url
        assert "Cookie" in response["Vary"], url
        assert "rita" in response.content.decode(), url


@pytest.mark.parametrize("first", ["anonymous", "reader"])
def test_no_page_carries_a_reader_to_another(pages, reader, first):
    follow_add(user=reader, target=pages["topic"])
    saved_article_add(user=reader, article=pages["article"])
    anonymous = Client()
    reader_client = signed_in(reader)
    for url in pages["urls"]:
        visits = [reader_client, anonymous] if first == "reader" else [anonymous, reader_client]
        bodies = {}
        for client in visits:
            bodies[client] = warm(client, url).content.decode()
        anon, own = bodies[anonymous], bodies[reader_client]
        assert "rita" not in anon and "Log out" not in anon and "/unsave/" not in anon, url
        assert "/unfollow/" not in anon and "Following" not in anon, url
        assert "rita" in own and "Log in" not in own, url


def test_another_reader_does_not_see_the_first_readers_follows(pages, reader, commenter):
    follow_add(user=reader, target=pages["topic"])
    saved_article_add(user=reader, article=pages["article"])
    own = warm(signed_in(reader), "/topic/science/").content.decode()
    assert f"/following/topic/{pages['topic'].pk}/unfollow/" in own
    other = warm(signed_in(commenter), "/topic/science/").content.decode()
    assert f"/following/topic/{pages['topic'].pk}/follow/" in other
    assert "/unfollow/" not in other and "rita" not in other and "/unsave/" not in other


def test_a_signed_in_reader_is_never_answered_304_from_the_shared_copy(pages, reader_client):
    anonymous = Client()
    for url in pages["urls"]:
        shared = warm(anonymous, url)
        if not shared.has_header("ETag"):
            continue
        assert anonymous.get(url, HTTP_IF_NONE_MATCH=shared["ETag"]).status_code == 304, url
        own = reader_client.get(url, HTTP_IF_NONE_MATCH=shared["ETag"])
        assert own.status_code == 200 and "rita" in own.content.decode(), url


def test_following_changes_show_at_once(pages, reader, reader_client):
    topic = pages["topic"]
    before = reader_client.get("/topic/science/").content.decode()
    assert f"/following/topic/{topic.pk}/follow/" in before
    reader_client.post(f"/following/topic/{topic.pk}/follow/")
    after = reader_client.get("/topic/science/").content.decode()
    assert f"/following/topic/{topic.pk}/unfollow/" in after


def test_anonymous_pages_stay_shared_and_cookie_free(pages):
    anonymous = Client()
    response = warm(anonymous, "/topic/science/")
    assert "public" in response["Cache-Control"] and response.has_header("ETag")
    assert not response.cookies
    assert 'name="csrfmiddlewaretoken"' not in response.content.decode()
