"""Notifications of a followed story: articles joining it ring the bell once, the count growing in place."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from gazette.accounts.follows import follow_add
from gazette.accounts.models import Notification
from gazette.accounts.notifications import story_followers_notify
from gazette.jobs.stages import stories_assign_job
from gazette.stories.engine import engine_reset
from gazette.stories.enrich import articles_enrich
from gazette.stories.models import Story, StoryMember
from tests.stories.test_engine import QUAKE_A, QUAKE_A2, QUAKE_B, QUAKE_VIEW
from tests.web.factories import make_article, make_source, make_story

pytestmark = pytest.mark.django_db

QUAKE_A3 = (
    "Aftershocks rattled Puerto Salinas on Tuesday, a day after the magnitude 6.4 earthquake killed seven "
    "people, and Mayor Ines Carvajal said schools in Puerto Salinas would stay closed all week. Chile's "
    "emergency office said engineers had inspected 200 buildings in the old harbour district."
)


@pytest.fixture
def engine_settings(settings):
    settings.GAZETTE_EMBEDDINGS = False
    engine_reset()
    return settings


def arrive(title: str, body: str, hours: int):
    """An article stored and enriched; the story stage is left to the job."""
    article = make_article(make_source(title[:20]), title=title, body=body, ago=timedelta(hours=hours))
    articles_enrich([article.pk])
    return article


@pytest.fixture
def followed(engine_settings, reader):
    """A story the reader follows, of one article so far."""
    first = arrive("Magnitude 6.4 quake strikes near Puerto Salinas", QUAKE_A, 8)
    stories_assign_job.call_local()
    story = StoryMember.objects.get(article=first).story
    follow_add(user=reader, target=story)
    return story


FOLLOW_UPS = [
    ("Puerto Salinas death toll rises to seven", QUAKE_A2, 6),
    ("Why Puerto Salinas' harbour district fell", QUAKE_VIEW, 5),
    ("Aftershocks keep Puerto Salinas schools shut", QUAKE_A3, 4),
]


def test_three_articles_joining_a_followed_story_make_one_notification_of_three(
    followed, reader, reader_client, commenter
):
    joined = [arrive(*follow_up) for follow_up in FOLLOW_UPS]
    stories_assign_job.call_local()
    assert {StoryMember.objects.get(article=a).story for a in joined} == {followed}
    note = Notification.objects.get()
    assert (note.recipient, note.kind, note.story, note.count, note.read_at) == (
        reader,
        "story",
        followed,
        3,
        None,
    )
    # The job run again (a retry, the sweep) finds the batch done and counts nothing twice.
    stories_assign_job.call_local()
    note.refresh_from_db()
    assert Notification.objects.count() == 1 and note.count == 3
    # Nobody who does not follow the story hears of it.
    assert not Notification.objects.filter(recipient=commenter).exists()

    assert 'class="bell-count">1<' in reader_client.get("/").content.decode()
    html = reader_client.get("/notifications/").content.decode()
    assert "3 new articles" in html and f'href="{reverse("web:story", args=[followed.pk])}"' in html


def test_the_count_grows_in_place_until_read_then_a_new_notification_starts(followed, reader, reader_client):
    # The articles arrive one batch at a time: one notification, growing.
    for count, follow_up in enumerate(FOLLOW_UPS, start=1):
        arrive(*follow_up)
        stories_assign_job.call_local()
        assert Notification.objects.get().count == count
    reader_client.post("/notifications/read/")
    later = arrive(
        "Puerto Salinas harbour reopens to fishing boats",
        "Fishing boats left Puerto Salinas harbour at dawn on Wednesday for the first time since the "
        "magnitude 6.4 earthquake killed seven people, after engineers said the quay in the old harbour "
        "district was safe. Mayor Ines Carvajal said the fish market would reopen on Friday.",
        2,
    )
    stories_assign_job.call_local()
    assert StoryMember.objects.get(article=later).story == followed
    read, fresh = Notification.objects.order_by("id")
    assert read.read_at is not None and read.count == 3
    assert fresh.read_at is None and fresh.count == 1
    assert 'class="bell-count">1<' in reader_client.get("/").content.decode()


def test_an_article_of_another_story_does_not_notify(followed, reader):
    other = arrive("Quake flattens houses in Karadere", QUAKE_B, 3)
    stories_assign_job.call_local()
    assert StoryMember.objects.get(article=other).story != followed
    assert not Notification.objects.exists()


def test_a_follow_of_a_merged_story_hears_of_the_story_it_joined_and_a_hidden_story_tells_no_one(
    reader, commenter
):
    first, second = make_article(title="Ferry strike ends"), make_article(title="Ferries run again")
    survivor = make_story([first, second], title="Ferry strike")
    absorbed = Story.objects.create(key="walkout", title="Ferry walkout", merged_into=survivor)
    follow_add(user=reader, target=absorbed)
    follow_add(user=commenter, target=survivor)
    assert story_followers_notify(article_ids=[first.pk, second.pk]) == 2
    assert {(n.recipient, n.story, n.count) for n in Notification.objects.all()} == {
        (reader, survivor, 2),
        (commenter, survivor, 2),
    }
    Story.objects.filter(pk=survivor.pk).update(hidden=True)
    assert story_followers_notify(article_ids=[first.pk]) == 0
    assert set(Notification.objects.values_list("count", flat=True)) == {2}


def test_a_syndicated_copy_joining_a_followed_story_is_not_counted_as_new(followed, reader):
    title, body, hours = FOLLOW_UPS[0]
    original = arrive(title, body, hours)
    copy = arrive(f"Wire: {title}", body, hours - 1)  # the same text from another outlet
    stories_assign_job.call_local()
    copy.refresh_from_db()
    assert copy.duplicate_of_id == original.pk
    assert Notification.objects.get(recipient=reader).count == 1
