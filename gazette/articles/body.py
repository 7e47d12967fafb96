"""What of an article the site shows: its full text, or only the publisher's excerpt."""

from __future__ import annotations

from gazette.articles.models import Article
from gazette.sources.models import Source


def article_body(*, article: Article) -> tuple[str, bool]:
    """The sanitised HTML to show, and whether it is only the excerpt (excerpt-only source, or no text)."""
    if article.source.display == Source.Display.EXCERPT or not article.content_html.strip():
        return article.summary, True
    return article.content_html, False
