"""Read state: marks, watermarks, the unread window, and counts per followed source."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from gazette.accounts.follows import follow_add
from gazette.accounts.models import ReadState, ReadWatermark
from gazette.accounts.reading import (
    UNREAD_WINDOW,
    article_mark_read,
    article_mark_unread,
    articles_mark_all_read,
    articles_mark_read,
    reader_settings,
    unread_articles,
    unread_counts,
)
from gazette.articles.models import Article
from gazette.stories.models import StoryMember
from tests.web.factories import make_article, make_source, make_story


def setup_sources(reader):
    a, b = make_source("Meridian Wire"), make_source("The Harbor Ledger")
    follow_add(user=reader, target=a)
    follow_add(user=reader, target=b)
    return a, b


def test_new_articles_of_followed_sources_are_unread(reader):
    a, b = setup_sources(reader)
    fresh = [make_article(a, ago=timedelta(hours=h)) for h in (1, 2)]
    make_article(b, ago=timedelta(hours=1))
    make_article(make_source("Unfollowed"))
    make_article(a, ago=UNREAD_WINDOW + timedelta(hours=1))  # past the window: read for everyone
    counts = unread_counts(user=reader)
    assert {sid: c.count for sid, c in counts.items()} == {a.pk: 2, b.pk: 1}
    assert counts[a.pk].newest == fresh[0].published_at


def test_marking_read_and_unread(reader, commenter):
    a, _ = setup_sources(reader)
    first = make_article(a)
    article_mark_read(user=reader, article=first)
    assert not unread_articles(user=reader).filter(pk=first.pk).exists()
    article_mark_unread(user=reader, article=first)
    assert unread_articles(user=reader).filter(pk=first.pk).exists()
    assert articles_mark_read(user=reader, article_ids=[first.pk, 10**9]) == 1  # unknown ids skipped
    assert ReadState.objects.filter(user=reader).count() == 1
    assert not ReadState.objects.filter(user=commenter).exists()


def test_mark_all_read_of_a_source_is_one_watermark_that_only_moves_forward(reader):
    a, b = setup_sources(reader)
    old, new = make_article(a, ago=timedelta(hours=5)), make_article(a, ago=timedelta(hours=1))
    make_article(b, ago=timedelta(hours=5))
    article_mark_read(user=reader, article=old)
    articles_mark_all_read(user=reader, sources=[a], before=timezone.now() - timedelta(hours=3))
    assert set(unread_articles(user=reader).filter(source=a)) == {new}
    assert not ReadState.objects.filter(user=reader).exists()  # the watermark decides below it
    mark = ReadWatermark.objects.get(user=reader, source=a)
    articles_mark_all_read(user=reader, sources=[a], before=timezone.now() - timedelta(hours=10))
    mark.refresh_from_db()
    assert mark.read_before > timezone.now() - timedelta(hours=4)
    assert unread_counts(user=reader)[b.pk].count == 1


def test_mark_all_read_never_marks_the_future(reader):
    a, _ = setup_sources(reader)
    articles_mark_all_read(user=reader, sources=[a], before=timezone.now() + timedelta(days=3))
    later = make_article(a, ago=timedelta(seconds=-60))  # arrives with a time just after "now"
    assert unread_articles(user=reader).filter(pk=later.pk).exists()


def test_mark_all_read_of_a_story_marks_its_articles(reader):
    a, b = setup_sources(reader)
    inside = [make_article(a), make_article(b)]
    outside = make_article(a, ago=timedelta(hours=2))
    story = make_story(inside)
    members = StoryMember.objects.filter(story=story).values("article_id")
    articles_mark_all_read(user=reader, articles=Article.objects.filter(pk__in=members))
    assert set(unread_articles(user=reader)) == {outside}


def test_reader_settings_default_to_marking_read_on_open(reader):
    settings = reader_settings(user=reader)
    assert settings.mark_read_on_open and settings.api_password == ""
    assert reader_settings(user=reader).pk == settings.pk


def test_counts_agree_with_the_unread_list_under_every_kind_of_state(reader):
    a, b = setup_sources(reader)
    articles = [make_article((a, b)[i % 2], ago=timedelta(hours=i + 1)) for i in range(20)]
    articles_mark_all_read(user=reader, sources=[a], before=timezone.now() - timedelta(hours=10))
    articles_mark_read(user=reader, article_ids=[x.pk for x in articles[:6]])
    article_mark_unread(user=reader, article=articles[16])  # below a's watermark: kept unread
    article_mark_unread(user=reader, article=articles[2])  # read a moment ago, unread again
    expected: dict[int, int] = {}
    for article in unread_articles(user=reader):
        expected[article.source_id] = expected.get(article.source_id, 0) + 1
    assert {sid: c.count for sid, c in unread_counts(user=reader).items()} == expected
    assert sum(expected.values()) == 20 - 5 - 5 + 1  # 5 of a's below the mark, 5 read, 1 kept unread
