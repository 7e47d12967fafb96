"""Following topics, sources, entities and stories, and the Following page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from gazette.accounts.follows import follow_add, follow_remove, following_articles
from gazette.accounts.models import Follow
from gazette.stories.models import ArticleEntity, ArticleTopic
from tests.web.factories import make_article, make_entity, make_source, make_story, make_topic

pytestmark = pytest.mark.django_db


def in_topic(article, topic):
    ArticleTopic.objects.create(article=article, topic=topic)
    return article


def naming(article, entity):
    ArticleEntity.objects.create(article=article, entity=entity)
    return article


def targets():
    """One of each followable thing, with the page it has."""
    topic = make_topic("science")
    source = make_source("Meridian Wire")
    entity = make_entity("Puerto Salinas")
    story = make_story([make_article(title="Quake story")])
    return {
        "topic": (topic, "/topic/science/"),
        "source": (source, f"/source/{source.pk}/"),
        "entity": (entity, "/entity/puerto-salinas/"),
        "story": (story, f"/story/{story.pk}/"),
    }


@pytest.mark.parametrize("kind", ["topic", "source", "entity", "story"])
def test_follow_and_unfollow_from_the_page(kind, reader, reader_client):
    target, page = targets()[kind]
    html = reader_client.get(page).content.decode()
    assert f'action="/following/{kind}/{target.pk}/follow/"' in html
    response = reader_client.post(f"/following/{kind}/{target.pk}/follow/", {"next": page})
    assert response.status_code == 302 and response["Location"] == page
    assert Follow.objects.filter(user=reader, **{kind: target}).count() == 1
    html = reader_client.get(page).content.decode()
    assert f'action="/following/{kind}/{target.pk}/unfollow/"' in html and "Following" in html
    listed = reader_client.get("/following/").content.decode()
    assert f'href="{page}"' in listed
    # Following twice changes nothing.
    reader_client.post(f"/following/{kind}/{target.pk}/follow/", {"next": page})
    assert Follow.objects.filter(user=reader).count() == 1
    reader_client.post(f"/following/{kind}/{target.pk}/unfollow/", {"next": page})
    assert not Follow.objects.filter(user=reader).exists()


def test_follow_without_next_goes_to_the_page(reader_client):
    topic = make_topic("science")
    response = reader_client.post(f"/following/topic/{topic.pk}/follow/")
    assert response["Location"] == "/topic/science/"


def test_follow_ignores_a_next_on_another_site(reader_client):
    topic = make_topic("science")
    response = reader_client.post(f"/following/topic/{topic.pk}/follow/", {"next": "https://evil.example/"})
    assert response["Location"] == "/topic/science/"


def test_follow_with_htmx_answers_the_new_button(reader_client):
    topic = make_topic("science")
    response = reader_client.post(
        f"/following/topic/{topic.pk}/follow/", {"next": "/topic/science/"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<form class="follow-form"')
    assert f'action="/following/topic/{topic.pk}/unfollow/"' in html
    assert 'name="csrfmiddlewaretoken"' in html and "private" in response["Cache-Control"]


def test_unknown_kind_or_missing_target_is_404(reader_client):
    assert reader_client.post("/following/category/1/follow/").status_code == 404
    assert reader_client.post("/following/topic/999/follow/").status_code == 404


def test_follow_is_post_only(reader_client):
    topic = make_topic("science")
    assert reader_client.get(f"/following/topic/{topic.pk}/follow/").status_code == 405


def test_anonymous_is_sent_to_log_in_and_back(anonymous):
    topic = make_topic("science")
    html = anonymous.get("/topic/science/").content.decode()
    assert 'href="/accounts/login/?next=/topic/science/"' in html and "Follow" in html
    response = anonymous.post(f"/following/topic/{topic.pk}/follow/", {"next": "/topic/science/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/topic/science/"
    assert not Follow.objects.exists()
    # With htmx the whole page goes to the login form rather than the button turning into it.
    htmx = anonymous.post(
        f"/following/topic/{topic.pk}/follow/", {"next": "/topic/science/"}, HTTP_HX_REQUEST="true"
    )
    assert htmx["HX-Redirect"] == "/accounts/login/?next=/topic/science/"


def test_following_page_needs_log_in(anonymous):
    response = anonymous.get("/following/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/following/"


def test_following_page_when_following_nothing(reader_client):
    html = reader_client.get("/following/").content.decode()
    assert "You don't follow anything yet" in html


def test_following_feed_gathers_everything_followed_once_newest_first(reader, reader_client):
    science = make_topic("science")
    wire = make_source("Meridian Wire")
    salinas = make_entity("Puerto Salinas")
    other_source = make_source("Elsewhere Daily")
    from_topic = in_topic(
        make_article(other_source, title="Telescope spots comet", ago=timedelta(hours=5)), science
    )
    from_source = make_article(wire, title="Wire bulletin", ago=timedelta(hours=4))
    # In a followed topic, from a followed source, naming a followed entity: still listed once.
    everywhere = naming(
        in_topic(make_article(wire, title="Salinas lab result", ago=timedelta(hours=1)), science), salinas
    )
    from_entity = naming(
        make_article(other_source, title="Salinas mayor speaks", ago=timedelta(hours=3)), salinas
    )
    story_article = make_article(other_source, title="Port strike day two", ago=timedelta(hours=2))
    story = make_story([story_article])
    copy = make_article(make_source("Copycat"), title="Wire bulletin (copy)", duplicate_of=from_source)
    unrelated = make_article(other_source, title="Unrelated football result", ago=timedelta(minutes=5))
    for target in (science, wire, salinas, story):
        follow_add(user=reader, target=target)

    expected = [everywhere, story_article, from_entity, from_source, from_topic]
    assert list(following_articles(user=reader)) == expected
    html = reader_client.get("/following/").content.decode()
    cards = html[html.index('id="following-items"') :]
    positions = [cards.index(f"data-nav-link>{a.title}<") for a in expected]
    assert positions == sorted(positions)
    assert cards.count("data-nav-link>Salinas lab result<") == 1
    assert unrelated.title not in html and copy.title not in html
    for label in ("Topic", "Source", "Place", "Story"):
        assert f'<span class="follow-kind">{label}</span>' in html

    follow_remove(user=reader, target=wire)
    assert from_source not in following_articles(user=reader)
    assert everywhere in following_articles(user=reader)  # still in a followed topic


def test_following_feed_is_only_the_readers_own(reader, commenter, commenter_client):
    science = make_topic("science")
    in_topic(make_article(title="Telescope spots comet"), science)
    follow_add(user=reader, target=science)
    assert list(following_articles(user=commenter)) == []
    assert "Telescope spots comet" not in commenter_client.get("/following/").content.decode()


def test_following_feed_is_paginated(reader, reader_client):
    wire = make_source("Meridian Wire")
    for i in range(25):
        make_article(wire, title=f"Bulletin number {i}", ago=timedelta(minutes=i + 1))
    follow_add(user=reader, target=wire)
    first = reader_client.get("/following/").content.decode()
    assert "Page 1 of 2" in first and "Bulletin number 0<" in first and "Bulletin number 20<" not in first
    second = reader_client.get("/following/?page=2").content.decode()
    assert "Page 2 of 2" in second and "Bulletin number 24<" in second
    assert "Page 2 of 2" in reader_client.get("/following/?page=99").content.decode()


def test_a_follow_has_exactly_one_target(reader):
    topic = make_topic("science")
    source = make_source()
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=reader, topic=topic, source=source)
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=reader)


def test_follow_add_twice_keeps_one_row(reader):
    topic = make_topic("science")
    assert follow_add(user=reader, target=topic) == follow_add(user=reader, target=topic)
    assert Follow.objects.count() == 1


def test_following_a_story_that_was_merged_into_another_follows_the_survivor(reader, reader_client):
    from gazette.accounts.follows import follow_exists

    source, other = make_source("Meridian Wire"), make_source("Elsewhere Daily")
    early = make_article(source, title="Port strike begins", ago=timedelta(hours=5))
    later = make_article(other, title="Port strike day two", ago=timedelta(hours=2))
    absorbed = make_story([early])
    survivor = make_story([later])
    follow_add(user=reader, target=absorbed)
    # The engine found the two to be one story: early's membership moves, the old row points onward.
    early.membership.story = survivor
    early.membership.save()
    absorbed.merged_into, absorbed.article_count = survivor, 0
    absorbed.save()

    assert set(following_articles(user=reader)) == {early, later}
    assert follow_exists(user=reader, target=survivor)
    page = reader_client.get(f"/story/{absorbed.pk}/")
    assert page.status_code == 302 and page["Location"] == f"/story/{survivor.pk}/"
    follow_remove(user=reader, target=survivor)
    assert not Follow.objects.filter(user=reader).exists()
