"""For you: the reader's own front page, its reasons, and "Show fewer like this"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gazette.accounts.follows import follow_add
from gazette.accounts.foryou import VISIT_GAP, foryou_items, foryou_mute_add, foryou_visit
from gazette.accounts.models import ForYouMute
from gazette.accounts.reading import article_mark_read
from gazette.accounts.saved import saved_article_add
from gazette.stories.models import ArticleEntity, ArticleTopic
from tests.accounts.conftest import PASSWORD, signed_in
from tests.web.factories import make_article, make_entity, make_source, make_story, make_topic

pytestmark = pytest.mark.django_db


def in_topic(article, topic):
    ArticleTopic.objects.create(article=article, topic=topic)
    return article


def naming(article, entity):
    ArticleEntity.objects.create(article=article, entity=entity)
    return article


@pytest.fixture
def news():
    """Two outlets, a science topic, a carmaker in the news and a three-article story about it."""
    herald, wire = make_source("Pinewood Herald"), make_source("Meridian Wire")
    science, voltaris = make_topic("science", "Science"), make_entity("Voltaris Motors", kind="org")
    comet = in_topic(
        make_article(
            make_source("Lumen Science Desk"), title="Comet seen over the bay", ago=timedelta(hours=1)
        ),
        science,
    )
    bake = make_article(herald, title="Village bake sale raises funds", ago=timedelta(hours=3))
    recall = [
        naming(
            make_article(wire, title=f"Voltaris recalls sedans, day {i}", ago=timedelta(hours=2 + i)),
            voltaris,
        )
        for i in range(3)
    ]
    story = make_story(recall, title=recall[2].title)
    other = make_article(
        make_source("Quiet Gazette"), title="Unfollowed harbour news", ago=timedelta(minutes=5)
    )
    return {
        "herald": herald,
        "science": science,
        "voltaris": voltaris,
        "comet": comet,
        "bake": bake,
        "recall": recall,
        "story": story,
        "other": other,
    }


def cards(html: str) -> list[str]:
    """The headline of each card, in order."""
    return re.findall(r'<h3 class="card-title"><a href="[^"]+" data-nav-link>([^<]+)</a>', html)


def reasons(html: str) -> list[str]:
    return re.findall(
        r'<p class="reason">(?:<span class="read-mark">Read</span> )?<a href="[^"]+">([^<]+)</a>', html
    )


def test_anonymous_gets_the_general_front_and_is_sent_to_log_in(anonymous, news):
    front = anonymous.get("/").content.decode()
    assert "Unfollowed harbour news" in front and "/for-you/" not in front
    response = anonymous.get("/for-you/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/for-you/")


def test_reader_with_no_follows_is_asked_to_follow_something(reader_client, news):
    html = reader_client.get("/for-you/").content.decode()
    assert "Make this page yours" in html
    assert 'href="/topic/science/"' in html and 'href="/sources/"' in html
    assert cards(html) == []


def test_each_card_says_why_it_is_there(reader, reader_client, news):
    follow_add(user=reader, target=news["science"])
    follow_add(user=reader, target=news["herald"])
    follow_add(user=reader, target=news["voltaris"])
    response = reader_client.get("/for-you/")
    assert response.status_code == 200 and response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    shown = dict(zip(cards(html), reasons(html), strict=True))
    assert shown == {
        "Comet seen over the bay": "In Science, which you follow",
        "Village bake sale raises funds": "From Pinewood Herald, which you follow",
        # One card for the story: its newest article, and the rest a link away.
        "Voltaris recalls sedans, day 0": "Because you follow Voltaris Motors",
    }
    assert "+2 more from this story" in html
    assert "Unfollowed harbour news" not in html


def test_a_followed_story_counts_its_new_articles_and_a_saved_one_its_story(reader, news):
    now = timezone.now()
    follow_add(user=reader, target=news["story"])
    items = foryou_items(reader=reader, since=now - timedelta(hours=3, minutes=30), now=now)
    assert [(i.article.title, i.reason.text) for i in items] == [
        ("Voltaris recalls sedans, day 0", "A story you follow has 2 new articles")
    ]
    other = User.objects.create_user("sam", password=PASSWORD)
    saved_article_add(user=other, article=news["recall"][2])
    [item] = foryou_items(reader=other, now=now)
    assert (
        item.reason.text == "Because you saved an article in this story"
        and item.reason.target == news["story"]
    )


def test_new_coverage_since_the_last_visit_lifts_a_story(reader, news):
    """The bake sale is newer than the story's newest article, until the story has new coverage."""
    follow_add(user=reader, target=news["herald"])
    follow_add(user=reader, target=news["recall"][0].source)
    now = timezone.now()
    news["bake"].published_at = now - timedelta(hours=1, minutes=30)
    news["bake"].save()
    quiet = foryou_items(reader=reader, since=now, now=now)
    assert [i.article.title for i in quiet] == [
        "Village bake sale raises funds",
        "Voltaris recalls sedans, day 0",
    ]
    assert [i.new for i in quiet] == [0, 0]
    busy = foryou_items(reader=reader, since=now - timedelta(hours=5), now=now)
    assert [i.article.title for i in busy] == [
        "Voltaris recalls sedans, day 0",
        "Village bake sale raises funds",
    ]
    assert [i.new for i in busy] == [3, 1]


def test_read_articles_go_below_unread_and_a_story_shows_an_unread_one(reader, reader_client, news):
    follow_add(user=reader, target=news["science"])
    follow_add(user=reader, target=news["herald"])
    follow_add(user=reader, target=news["voltaris"])
    article_mark_read(user=reader, article=news["comet"])
    article_mark_read(user=reader, article=news["recall"][0])
    html = reader_client.get("/for-you/").content.decode()
    assert cards(html) == [
        "Voltaris recalls sedans, day 1",
        "Village bake sale raises funds",
        "Comet seen over the bay",
    ]
    assert html.count('class="read-mark"') == 1


def test_every_article_once_per_page(reader, reader_client, news):
    """An article that several follows bring in (its topic, its source, its story) is one card."""
    follow_add(user=reader, target=news["science"])
    follow_add(user=reader, target=news["voltaris"])
    follow_add(user=reader, target=news["story"])
    in_topic(news["recall"][0], news["science"])
    follow_add(user=reader, target=news["recall"][0].source)
    html = reader_client.get("/for-you/").content.decode()
    links = re.findall(r"data-nav-link>", html)
    assert len(cards(html)) == len(set(cards(html))) == len(links) == 2
    assert reasons(html)[0].startswith("A story you follow")


def test_show_fewer_mutes_the_reason_and_undo_brings_it_back(reader, reader_client, news):
    follow_add(user=reader, target=news["voltaris"])
    follow_add(user=reader, target=news["herald"])
    html = reader_client.get("/for-you/").content.decode()
    action = f"/for-you/entity/{news['voltaris'].pk}/mute/"
    assert f'action="{action}"' in html
    response = reader_client.post(action)
    assert response.status_code == 302 and response["Location"] == "/for-you/"
    html = reader_client.get("/for-you/").content.decode()
    assert cards(html) == ["Village bake sale raises funds"]
    assert "Showing fewer of" in html and f'action="/for-you/entity/{news["voltaris"].pk}/unmute/"' in html
    # Listed on the account page too, with the same undo.
    profile = reader_client.get("/accounts/profile/").content.decode()
    assert f'action="/for-you/entity/{news["voltaris"].pk}/unmute/"' in profile
    reader_client.post(f"/for-you/entity/{news['voltaris'].pk}/unmute/", {"next": "/accounts/profile/"})
    assert not ForYouMute.objects.filter(user=reader).exists()
    assert "Voltaris recalls sedans, day 0" in cards(reader_client.get("/for-you/").content.decode())


def test_a_muted_source_leaves_even_articles_another_follow_brings(reader, news):
    follow_add(user=reader, target=news["science"])
    foryou_mute_add(user=reader, target=news["comet"].source)
    assert foryou_items(reader=reader) == []


def test_mute_needs_a_csrf_token_and_a_signed_in_reader(reader, news):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    action = f"/for-you/topic/{news['science'].pk}/mute/"
    assert client.post(action).status_code == 403
    assert not ForYouMute.objects.exists()
    anonymous = Client()
    response = anonymous.post(action)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert anonymous.get(action).status_code == 405
    assert signed_in(reader).get(action).status_code == 405  # a link or a prefetch never mutes
    assert signed_in(reader).post("/for-you/planet/1/mute/").status_code == 404
    assert not ForYouMute.objects.exists()


def test_one_readers_mutes_leave_anothers_page_alone(reader, reader_client, news):
    other = User.objects.create_user("sam", password=PASSWORD)
    for user in (reader, other):
        follow_add(user=user, target=news["herald"])
    reader_client.post(f"/for-you/source/{news['herald'].pk}/mute/")
    assert cards(reader_client.get("/for-you/").content.decode()) == []
    assert cards(signed_in(other).get("/for-you/").content.decode()) == ["Village bake sale raises funds"]


def test_the_front_page_and_the_header_link_to_for_you_when_signed_in(reader_client, news):
    html = reader_client.get("/").content.decode()
    assert 'aria-label="Front page views"' in html
    assert html.count('href="/for-you/"') == 2  # the account menu and the tab


def test_a_visit_keeps_what_is_new_while_the_reader_looks(reader):
    start = timezone.now()
    first = foryou_visit(user=reader, now=start)
    assert first == start - timedelta(days=1)
    assert foryou_visit(user=reader, now=start + timedelta(minutes=5)) == first
    later = start + VISIT_GAP + timedelta(minutes=1)
    assert foryou_visit(user=reader, now=later) == start


def test_a_busy_followed_source_leaves_room_for_the_rest(reader):
    """Without the repeat decay the three newer wire articles would all come before the topic's one."""
    wire, science = make_source("Meridian Wire"), make_topic("science", "Science")
    for minutes in (60, 70, 80):
        make_article(wire, title=f"Wire item {minutes}", ago=timedelta(minutes=minutes))
    in_topic(
        make_article(make_source("Lumen Science Desk"), title="Comet", ago=timedelta(minutes=90)), science
    )
    follow_add(user=reader, target=wire)
    follow_add(user=reader, target=science)
    titles = [item.article.title for item in foryou_items(reader=reader)]
    assert titles == ["Wire item 60", "Comet", "Wire item 70", "Wire item 80"]


def test_the_page_costs_the_same_queries_for_three_cards_or_thirty(reader, reader_client, news):
    follow_add(user=reader, target=news["science"])
    follow_add(user=reader, target=news["herald"])
    follow_add(user=reader, target=news["voltaris"])
    saved_article_add(user=reader, article=news["recall"][0])
    reader_client.get("/for-you/")  # the first visit also notes itself

    def page_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            html = reader_client.get("/for-you/").content.decode()
        return len(cards(html)), len(queries)

    few = page_queries()
    for i in range(27):
        story = make_story(
            [make_article(news["herald"], title=f"Herald item {i}", ago=timedelta(hours=4 + i))]
        )
        saved_article_add(user=reader, article=story.first_article)
    many = page_queries()
    assert (few[0], many[0]) == (3, 30) and many[1] == few[1]
