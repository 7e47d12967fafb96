"""Search: the FTS5 index, query parsing, highlighting, filters and odd input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gazette.articles.models import Article
from gazette.search.query import (
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
from gazette.stories.models import ArticleTopic
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


def test_stems_match_other_forms_of_a_word():
    recalls = make_article(title="Voltaris Motors recalls electric SUVs", body="A software fault.")
    recalled = make_article(title="Thousands of SUVs recalled", body="Owners were told by letter.")
    found = {h.article_id for h in search_articles(q="recall")[0]}
    assert found == {recalls.pk, recalled.pk}


def test_headline_matches_rank_before_text_matches():
    # The text says "recall" again and again; the headline that says it once still ranks first.
    in_text = make_article(
        title="Carmaker shares slide",
        body="The recall. " * 3 + "Analysts said the recall would cost the recall budget.",
    )
    in_title = make_article(title="Voltaris recalls 310,000 SUVs", body="Owners will be written to.")
    assert [h.article_id for h in search_articles(q="recall")[0]] == [in_title.pk, in_text.pk]


def test_few_matches_for_every_word_adds_those_with_some_marked_partial():
    both = make_article(title="Australia raises interest rates", body="The bank moved.")
    rate = make_article(title="Rate hike explained", body="What a rise means for your loan.")
    make_article(title="Harbour bridge opens", body="Traffic flowed.")
    hits, total = search_articles(q="interest rates")
    assert [(h.article_id, h.partial) for h in hits] == [(both.pk, False), (rate.pk, True)]
    assert total == 2
    # Asked not to, only the articles with every word.
    assert [h.article_id for h in search_articles(q="interest rates", relax=False)[0]] == [both.pk]
