"""The front page over several stories of several articles: each card is one article, each article once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from gazette.articles.models import Article
from gazette.stories import selectors
from gazette.stories.models import ArticleTopic
from gazette.stories.selectors import StoryOf
from gazette.web import lists
from gazette.web.frontpage import LatestCard, latest_group
from tests.web.factories import make_article, make_source, make_story, make_topic

pytestmark = pytest.mark.django_db

OUTLETS = ["Meridian Wire", "The Harbor Ledger", "Pinewood Herald", "Northgate Times", "Coastal Post"]
STORIES = {
    # headline of each article, oldest first; minutes ago of the oldest; the first is the story's title
    "quake": (
        [
            "Quake strikes Puerto Salinas",
            "Rescuers dig through rubble",
            "Aid arrives in the port",
            "Death toll rises to seven",
            "Schools reopen after the quake",
        ],
        30,
    ),
    "bridge": (
        ["Council approves harbour bridge", "Bridge vote splits the council", "Bridge costs questioned"],
        28,
    ),
    "election": (
        [
            "Mayor calls early election",
            "Candidates register for the vote",
            "First debate set for Friday",
            "Polls open on Sunday",
        ],
        26,
    ),
    "telescope": (["Telescope spots a new comet", "Comet visible next week"], 24),
}

CARD = re.compile(r'<article class="card[^"]*"[^>]*>(.*?)</article>', re.S)
HEADLINE = re.compile(r'<a href="/article/(\d+)/[^"]*" data-nav-link>([^<]+)</a>')


@pytest.fixture
def front(client, monkeypatch):
    """Two top stories; the others and loose articles in latest, whose page of 8 leaves some to the section."""
    monkeypatch.setattr(selectors, "TOP_STORIES", 2)
    monkeypatch.setattr(lists, "PAGE_SIZE", 8)
    sources = [make_source(name) for name in OUTLETS]
    world = make_topic("world", "World")
    stories = {}
    for key, (headlines, oldest) in STORIES.items():
        articles = [
            make_article(sources[i % len(sources)], title=title, ago=timedelta(minutes=oldest - 4 * i))
            for i, title in enumerate(headlines)
        ]
        stories[key] = make_story(articles)
    loose = make_article(sources[0], title="Library extends its opening hours", ago=timedelta(minutes=3))
    for hours in range(6, 18):
        make_article(sources[1], title=f"Older news number {hours}", ago=timedelta(hours=hours))
    for article in Article.objects.all():
        ArticleTopic.objects.create(article=article, topic=world, score=1.0)
    html = client.get("/").content.decode()
    return html, stories, loose


def section(html: str, title_id: str) -> str:
    return html.split(f'id="{title_id}"')[1].split("</section>")[0]


def test_each_card_shows_the_outlet_time_and_headline_of_one_article(front):
    html = front[0]
    cards = CARD.findall(html)
    assert len(cards) >= 6
    for card in cards:
        (pk, headline), *_ = HEADLINE.findall(card)
        article = Article.objects.select_related("source").get(pk=pk)
        assert headline == article.title
        assert f">{article.source.name}</a>" in card
        assert re.findall(r'<time datetime="([^"]+)"', card) == [article.published_at.isoformat()]


def test_an_article_appears_once_on_the_page(front):
    html = front[0]
    ids = [pk for pk, _ in HEADLINE.findall(html)]
    assert len(ids) == len(set(ids)) >= 6
    world = section(html, "topic-world")  # the section is there, with articles not shown above it
    assert HEADLINE.findall(world)


def test_latest_shows_a_story_once_with_a_link_to_the_rest(front):
    html, stories, loose = front
    top = section(html, "top-title")
    latest = section(html, "latest-title")
    shown_top = {key for key, story in stories.items() if f'href="/story/{story.pk}/"' in top}
    assert len(shown_top) == 2
    for key, story in stories.items():
        if key in shown_top:
            assert f'href="/story/{story.pk}/"' not in latest  # its card is up in the top stories
            continue
        assert latest.count(f'href="/story/{story.pk}/"') == 1
        newest = STORIES[key][0][-1]
        assert f"data-nav-link>{newest}</a>" in latest
        for older in STORIES[key][0][:-1]:
            assert f"data-nav-link>{older}</a>" not in latest
        assert f"+{len(STORIES[key][0]) - 1} more from this story" in latest
    assert f"data-nav-link>{loose.title}</a>" in latest
    # Folding the stories does not leave the page short: it is filled from the articles after it.
    assert len(CARD.findall(latest)) == 8


def test_latest_group_folds_a_story_and_skips_what_is_shown():
    a, b, c, d = (Article(pk=n, title=f"t{n}") for n in (1, 2, 3, 4))
    stories = {1: StoryOf(10, 5), 2: StoryOf(10, 5), 4: StoryOf(20, 2)}
    shown = {3}
    cards = latest_group(articles=[a, b, c, d], stories=stories, shown=shown, stories_above=set(), limit=5)
    assert cards == [LatestCard(a, 10, 4), LatestCard(d, 20, 1)]
    assert shown == {1, 2, 3, 4}
    assert latest_group(articles=[a, b], stories=stories, shown=set(), stories_above={10}, limit=5) == []
    assert latest_group(
        articles=[a, b, c, d], stories=stories, shown=set(), stories_above=set(), limit=2
    ) == [
        LatestCard(a, 10, 4),
        LatestCard(c),
    ]


def test_latest_pages_never_repeat_a_story_or_an_article(client, monkeypatch):
    # Pages of three over stories of several articles each: before, page 1 folded a story's articles
    # into one card and page 2, starting three articles in, showed the same story again.
    monkeypatch.setattr(selectors, "TOP_STORIES", 1)
    monkeypatch.setattr(lists, "PAGE_SIZE", 3)
    sources = [make_source(name) for name in OUTLETS]
    stories = {}
    for key, (headlines, oldest) in STORIES.items():
        articles = [
            make_article(sources[i % len(sources)], title=title, ago=timedelta(minutes=oldest - 4 * i))
            for i, title in enumerate(headlines)
        ]
        stories[key] = make_story(articles)
    loose = [make_article(sources[0], title=f"Loose item {n}", ago=timedelta(hours=n)) for n in range(1, 5)]
    html = client.get("/").content.decode()
    top_html = section(html, "top-title")
    top = {story.pk for story in stories.values() if f'href="/story/{story.pk}/"' in top_html}
    assert len(top) == 1
    seen_articles: list[str] = []
    seen_stories: list[int] = []
    number = 1
    while True:
        latest = section(client.get(f"/?page={number}").content.decode(), "latest-title")
        seen_articles += [pk for pk, _ in HEADLINE.findall(latest)]
        seen_stories += [int(pk) for pk in re.findall(r'href="/story/(\d+)/"', latest)]
        if 'rel="next"' not in latest:
            break
        number += 1
    assert number > 1
    assert len(seen_articles) == len(set(seen_articles))
    assert sorted(seen_stories) == sorted(s.pk for s in stories.values() if s.pk not in top)
    # Every loose article and every story but the top one is listed, each once, by its newest article.
    newest = {Article.objects.get(title=STORIES[k][0][-1]).pk for k, s in stories.items() if s.pk not in top}
    assert set(map(int, seen_articles)) == newest | {a.pk for a in loose}
