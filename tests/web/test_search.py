"""The search page and its window of hits, as readers and the API see them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gazette.search.query import (
    SearchFilters,
    search_articles,
)
from gazette.stories.models import ArticleTopic
from tests.web.factories import make_article, make_category, make_source, make_topic

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "q",
    ['"', "*", '"unclosed', "a" * 5000, "NEAR(", "-", "'; DROP TABLE x; --", "%", "\x00", "🙂", "OR AND NOT"],
)
def test_search_page_odd_input(client, q):
    make_article(title="Regatta results")
    response = client.get("/search", {"q": q})
    assert response.status_code == 200


def test_search_page_finds_headline_word_with_highlight(client):
    article = make_article(title="Regatta results announced")
    html = client.get("/search", {"q": "regatta"}).content.decode()
    assert "1 result for" in html
    assert "<mark>Regatta</mark>" in html
    assert f"/article/{article.pk}/" in html


def test_search_page_filters_and_bad_filters(client):
    source = make_source("Only Here")
    make_article(source, title="Regatta results")
    make_article(make_source("Elsewhere"), title="Regatta preview")
    html = client.get("/search", {"q": "regatta", "source": source.pk}).content.decode()
    assert "1 result for" in html
    assert "Regatta preview" not in html
    bad = client.get("/search", {"q": "regatta", "source": "nope", "from": "yesterday", "topic": "x"})
    assert bad.status_code == 200
    assert "2 results for" in bad.content.decode()
    assert "This filter was ignored" in bad.content.decode()
    dated = client.get("/search", {"q": "regatta", "from": "2000-01-01", "to": "2000-01-02"})
    assert "0 results for" in dated.content.decode()


def test_search_page_topic_and_category_filters(client):
    science = make_topic("science", "Science")
    regional = make_category("Regional")
    lab = make_article(make_source("Lab News"), title="Regatta boats tested")
    ArticleTopic.objects.create(article=lab, topic=science)
    make_article(make_source("Sport Desk", categories=[regional]), title="Regatta won")
    page = client.get("/search", {"q": "regatta"}).content.decode()
    assert '<option value="science">Science</option>' in page
    assert (
        '<select id="search-category" name="category">' in page
        and '<option value="regional">Regional</option>' in page
    )
    by_topic = client.get("/search", {"q": "regatta", "topic": "science"}).content.decode()
    assert "1 result for" in by_topic and "Regatta won" not in by_topic
    assert '<option value="science" selected>Science</option>' in by_topic
    by_category = client.get("/search", {"q": "regatta", "category": "regional"}).content.decode()
    assert "1 result for" in by_category and "Regatta boats" not in by_category
    assert '<option value="regional" selected>Regional</option>' in by_category
    # A source category's slug is not a topic (topics are the fixed taxonomy): the filter is ignored and said so.
    wrong = client.get("/search", {"q": "regatta", "topic": "regional"}).content.decode()
    assert "2 results for" in wrong and "Topic: " in wrong and "This filter was ignored" in wrong


def test_search_page_without_categories_has_no_category_select(client):
    make_article(title="Regatta results")
    assert 'name="category"' not in client.get("/search", {"q": "regatta"}).content.decode()


def test_search_page_pagination(client):
    source = make_source()
    for i in range(23):
        make_article(source, title=f"Regatta day {i}")
    html = client.get("/search", {"q": "regatta", "page": "2"}).content.decode()
    assert "Page 2 of 2" in html and html.count("data-nav-item") == 3
    beyond = client.get("/search", {"q": "regatta", "page": "99"}).content.decode()
    assert "Page 2 of 2" in beyond
    assert client.get("/search", {"q": "regatta", "page": "x"}).status_code == 200


def test_search_page_without_query(client):
    html = client.get("/search").content.decode()
    assert "result" not in html.split("</form>", 1)[1].split("<footer")[0]


@pytest.fixture
def three_hits(monkeypatch):
    """Rank and count at most three matches."""
    from gazette.api import search as search_api
    from gazette.search import query as search
    from gazette.web.views import search as search_view

    for module in (search, search_view, search_api):
        monkeypatch.setattr(module, "MAX_HITS", 3)
    source = make_source()
    oldest = make_article(source, title="Regatta", body="Boats.", ago=timedelta(days=9))
    newer = [
        make_article(
            source, title=f"Harbour news {i}", body="A regatta was mentioned.", ago=timedelta(hours=i)
        )
        for i in range(1, 5)
    ]
    return oldest, newer


def test_only_the_newest_matches_are_ranked_and_counted(three_hits):
    oldest, newer = three_hits
    hits, total = search_articles(q="regatta")
    assert total == 4  # one past the window: "more than 3"
    assert {h.article_id for h in hits} == {a.pk for a in newer[:3]}
    assert search_articles(q="regatta", offset=2)[0][0].article_id in {a.pk for a in newer[:3]}
    assert search_articles(q="regatta", offset=3)[0] == []
    # Without the count, the second query is skipped: the count is the hits'.
    assert search_articles(q="regatta", count=False)[1] == 3
    assert search_articles(q="regatta", limit=2, count=False)[1] == 2
    # Inside the window, ranking decides: the title match of the oldest comes first.
    hits, total = search_articles(q="regatta", filters=SearchFilters(published_before=newer[2].published_at))
    assert total == 2 and hits[0].article_id == oldest.pk


def test_search_page_and_api_say_more_than_the_window(client, three_hits):
    html = client.get("/search", {"q": "regatta"}).content.decode()
    assert "More than 3 results" in html and html.count("data-nav-item") == 3
    assert client.get("/api/search", {"q": "regatta"}).json()["count"] == 3
    html = client.get(
        "/search", {"q": "regatta", "to": str(three_hits[0].published_at.date())}
    ).content.decode()
    assert "1 result for" in html


def test_search_page_suggests_a_correction_and_marks_partial_results(client):
    make_article(title="Voltaris recalls 310,000 electric SUVs", body="A battery software fault.")
    html = client.get("/search", {"q": "voltariss"}).content.decode()
    assert "0 results for" in html
    assert 'Did you mean <a href="/search?q=voltaris">voltaris</a>?' in html
    html = client.get("/search", {"q": "voltaris zebra"}).content.decode()
    assert "those with only some of them follow" in html
