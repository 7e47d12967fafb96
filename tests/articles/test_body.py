"""The one rule for the full text or only the excerpt, shared by the article page and the API."""

from __future__ import annotations

from gazette.articles.body import article_body
from gazette.articles.models import Article
from gazette.sources.models import Source

TEXT = "<p>The whole article, as extracted.</p>"
TEASER = "<p>The feed's teaser.</p>"


def article(display: str = Source.Display.FULL, content_html: str = TEXT, summary: str = TEASER) -> Article:
    return Article(source=Source(display=display), content_html=content_html, summary=summary)


def test_a_full_text_source_shows_the_text():
    assert article_body(article=article()) == (TEXT, False)


def test_an_excerpt_only_source_shows_only_the_teaser_even_with_text():
    assert article_body(article=article(Source.Display.EXCERPT)) == (TEASER, True)


def test_an_article_without_extracted_text_shows_the_teaser():
    for blank in ("", "  \n "):
        assert article_body(article=article(content_html=blank)) == (TEASER, True)


def test_an_excerpt_without_a_teaser_is_empty_not_the_text():
    assert article_body(article=article(Source.Display.EXCERPT, summary="")) == ("", True)
