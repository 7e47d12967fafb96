"""Search: the FTS5 index, query parsing, highlighting, filters and odd input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gazette.articles.models import Article
from gazette.stories.models import ArticleTopic
from gazette.web.search import (
    MARK_END,
    MARK_START,
    SearchFilters,
    Term,
    fts5_match,
    highlight,
    query_terms,
    search_articles,
    tsquery_text,
)
from tests.web.factories import make_article, make_category, make_source, make_topic


def test_query_terms_words_phrases_prefix():
    assert query_terms('harbour "new bridge" tax*') == [
        Term(("harbour",)),
        Term(("new", "bridge")),
        Term(("tax",), prefix=True),
    ]
    assert query_terms("* OR ( ) NEAR -") == [Term(("OR",)), Term(("NEAR",))]
    # An unclosed quote runs to the end of the query.
    assert query_terms('tax "new bridge') == [Term(("tax",)), Term(("new", "bridge"))]
    assert query_terms("") == []
    assert len(query_terms("word " * 500)) <= 16


def test_fts5_match_quotes_everything():
    terms = query_terms('OR "a b" c*')
    assert fts5_match(terms) == '"OR" "a b" "c"*'
    assert fts5_match(terms, any_term=True) == '"OR" OR "a b" OR "c"*'
    assert tsquery_text(terms, any_term=True) == "OR | (a <-> b) | c:*"
    assert tsquery_text(terms) == "OR & (a <-> b) & c:*"


def test_highlight_escapes_all_but_marks():
    raw = f'<b>x</b> & {MARK_START}bridge{MARK_END} "y"'
    assert highlight(raw) == "&lt;b&gt;x&lt;/b&gt; &amp; <mark>bridge</mark> &quot;y&quot;"


def test_highlight_from_html_strips_tags_and_partial_tags():
    raw = f'ef="https://x.example">Big {MARK_START}news{MARK_END} &amp; more</p><p>next <a hre'
    assert highlight(raw, from_html=True) == "Big <mark>news</mark> &amp; more next"


def test_highlight_closes_unbalanced_mark():
    assert highlight(f"a {MARK_START}b") == "a <mark>b</mark>"


pytestmark = pytest.mark.django_db


def test_index_follows_inserts_updates_and_deletes():
    article = make_article(title="Lighthouse keeper retires", body="After forty years.")
    assert [h.article_id for h in search_articles(q="lighthouse")[0]] == [article.pk]
    Article.objects.filter(pk=article.pk).update(title="Harbour master retires")
    assert search_articles(q="lighthouse")[1] == 0
    assert search_articles(q="harbour master")[1] == 1
    article.delete()
    assert search_articles(q="harbour")[1] == 0


def test_ranking_prefers_title_matches():
    body_only = make_article(title="Council meeting", body="Later the lighthouse was discussed briefly.")
    in_title = make_article(title="Lighthouse reopens to visitors", body="Visitors queued.")
    hits, total = search_articles(q="lighthouse")
    assert total == 2
    assert [h.article_id for h in hits] == [in_title.pk, body_only.pk]
    assert "<mark>Lighthouse</mark>" in hits[0].title


def test_snippet_from_summary_when_no_text():
    make_article(
        title="Short item",
        summary='<p>The <a href="https://x.example">regatta</a> starts &amp; ends today.</p>',
        content_html="",
        content_text="",
    )
    (hit,), _ = search_articles(q="regatta")
    assert hit.snippet == "The <mark>regatta</mark> starts &amp; ends today."


def test_filters_source_topic_and_dates():
    sport = make_category("Sport")
    a = make_source("A", categories=[sport])
    b = make_source("B")
    recent = make_article(a, title="Regatta results")
    old = make_article(b, title="Regatta history", ago=timedelta(days=10))
    assert search_articles(q="regatta", filters=SearchFilters(source_id=b.pk))[0][0].article_id == old.pk
    assert (
        search_articles(q="regatta", filters=SearchFilters(category_id=sport.pk))[0][0].article_id
        == recent.pk
    )
    since = timezone.now() - timedelta(days=2)
    hits, total = search_articles(q="regatta", filters=SearchFilters(published_from=since))
    assert total == 1 and hits[0].article_id == recent.pk
    hits, total = search_articles(q="regatta", filters=SearchFilters(published_before=since))
    assert total == 1 and hits[0].article_id == old.pk


def test_topic_filter_uses_article_topics():
    science = make_topic("science")
    make_topic("sport")
    source = make_source("Both")
    lab = make_article(source, title="Regatta boats tested in the wind tunnel")
    race = make_article(source, title="Regatta won by the home crew")
    ArticleTopic.objects.create(article=lab, topic=science, score=0.9)
    hits, total = search_articles(q="regatta", filters=SearchFilters(topic_id=science.pk))
    assert total == 1 and hits[0].article_id == lab.pk
    assert {h.article_id for h in search_articles(q="regatta")[0]} == {lab.pk, race.pk}


def test_duplicates_are_not_results():
    original = make_article(title="Regatta results")
    make_article(make_source("Copy"), title="Regatta results", duplicate_of=original)
    assert search_articles(q="regatta")[1] == 1


def test_prefix_search():
    make_article(title="Café culture in Montréal")
    assert search_articles(q="caf*")[1] == 1


def test_diacritics_fold_on_sqlite():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL search does not fold accents yet (needs the unaccent extension)")
    make_article(title="Café culture in Montréal")
    assert search_articles(q="montreal")[1] == 1


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
    from gazette.web import search
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
