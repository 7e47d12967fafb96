"""Topic pages (the fixed taxonomy), category pages, entity pages and entity chips."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gazette.stories.models import ArticleEntity, ArticleTopic, Topic
from tests.web.factories import make_article, make_category, make_entity, make_source, make_topic

pytestmark = pytest.mark.django_db


def test_topic_page_uses_article_topics(client):
    science = make_topic("science")
    sport = make_topic("sport")
    telescope = make_article(make_source("Lab News"), title="Telescope finds water")
    cup = make_article(make_source("Sports Daily"), title="Cup final tonight")
    ArticleTopic.objects.create(article=telescope, topic=science, score=0.9)
    ArticleTopic.objects.create(article=cup, topic=sport, score=0.8)
    html = client.get("/topic/science/").content.decode()
    assert "<h1>Science</h1>" in html
    assert "Telescope finds water" in html and "Cup final tonight" not in html
    assert client.get("/topic/nothing/").status_code == 404


def test_empty_topic_page(client):
    make_topic("health")
    assert "Nothing in this topic yet" in client.get("/topic/health/").content.decode()


def test_nav_and_sections_show_topics_with_articles(client):
    world = make_category("World")
    science = make_topic("science")
    make_topic("health")
    article = make_article(make_source("Lab News", categories=[world]), title="Telescope finds water")
    ArticleTopic.objects.create(article=article, topic=science, score=0.9)
    html = client.get("/").content.decode()
    nav = html.split('aria-label="Sections"')[1].split("</nav>")[0]
    assert 'href="/topic/science/"' in nav and "/topic/health/" not in nav
    assert "/category/world/" not in nav
    assert 'href="/stories/"' in nav and 'href="/blindspots/"' in nav
    # Its one article is already among the top stories above, and an article appears once a page.
    assert 'id="topic-science"' not in html
    # The topic's own page marks its navigation link as current.
    page = client.get("/topic/science/").content.decode()
    assert 'href="/topic/science/" aria-current="page"' in page


def test_source_page_links_categories(client):
    world = make_category("World")
    source = make_source("Meridian Wire", categories=[world])
    html = client.get(f"/source/{source.pk}/").content.decode()
    assert 'href="/category/world/"' in html


def test_entity_page_most_recent_first(client):
    place = make_entity("Puerto Salinas", kind="place")
    older = make_article(make_source("A"), title="Old quake report", ago=timedelta(days=2))
    newer = make_article(make_source("B"), title="New quake report", ago=timedelta(hours=1))
    make_article(make_source("C"), title="Unrelated")
    for article in (older, newer):
        ArticleEntity.objects.create(article=article, entity=place, mentions=2)
    html = client.get("/entity/puerto-salinas/").content.decode()
    assert "<h1>Puerto Salinas</h1>" in html and "Place" in html
    assert html.index("New quake report") < html.index("Old quake report")
    assert "Unrelated" not in html
    assert client.get("/entity/nobody/").status_code == 404


def test_empty_entity_page(client):
    make_entity("Nobody Known", kind="person")
    assert "No articles mention Nobody Known yet" in client.get("/entity/nobody-known/").content.decode()


def test_article_entity_chips_top_five_by_mentions(client):
    article = make_article()
    for i, name in enumerate(["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot"]):
        ArticleEntity.objects.create(article=article, entity=make_entity(name, kind="org"), mentions=10 - i)
    html = client.get(f"/article/{article.pk}/").content.decode()
    chips = html.split('aria-label="Named in this article"')[1].split("</ul>")[0]
    assert chips.index("Alpha") < chips.index("Echo")
    assert 'href="/entity/alpha/"' in chips and "Foxtrot" not in chips


def test_topics_with_articles_once_each_in_taxonomy_order(client):
    world, sport, science = make_topic("world"), make_topic("sport"), make_topic("science")
    source = make_source()
    for title in ("Cup final tonight", "Cup final won on penalties", "Summit ends without a deal"):
        article = make_article(source, title=title)
        ArticleTopic.objects.create(article=article, topic=world if "Summit" in title else sport, score=0.9)
    assert list(Topic.objects.with_articles()) == [t for t in Topic.objects.all() if t in (world, sport)]
    html = client.get("/").content.decode()
    assert 'href="/topic/world/"' in html and 'href="/topic/sport/"' in html
    assert f'href="/topic/{science.slug}/"' not in html
