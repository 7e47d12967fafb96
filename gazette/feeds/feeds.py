"""The feeds: the front page's top stories and latest articles, a topic, a source, an entity, a story, a search.

Every item links to the article page on this site and carries the original URL, the time, the author,
the source and a short summary: the AI summary's start or the feed's teaser, never the article's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import Truncator

from gazette.ai.models import ArticleSummary
from gazette.articles.models import Article
from gazette.articles.selectors import card_queryset, latest_article_id
from gazette.feeds.generators import AtomFeed, RssFeed
from gazette.search.forms import SearchForm
from gazette.search.query import search_articles
from gazette.sources.models import Source
from gazette.stories.models import Entity, Story, Topic
from gazette.stories.selectors import top_stories, top_story_groups
from gazette.web.templatetags.gazette_web import article_url, teaser

ITEMS = 30
SUMMARY_CHARS = 300


@dataclass(frozen=True)
class Listing:
    """What one feed shows: its title, the page it mirrors and its articles, newest or best first."""

    title: str
    description: str
    page: str
    articles: list[Article]
    request: HttpRequest


@dataclass(frozen=True)
class Item:
    article: Article
    link: str
    guid: str
    summary: str
    source_name: str
    source_feed_url: str


def article_summary(article: Article) -> str:
    """A short plain-text summary: the start of the AI summary when there is one, else the teaser."""
    try:
        sentences = article.ai_summary.sentences
    except ArticleSummary.DoesNotExist:
        sentences = []
    text = " ".join(sentences).strip()
    if not text:
        return teaser(article, SUMMARY_CHARS)
    return Truncator(text).chars(SUMMARY_CHARS)


def _articles(queryset: QuerySet[Article]) -> list[Article]:
    return list(queryset.select_related("ai_summary")[:ITEMS])


if TYPE_CHECKING:
    _Feed = Feed[Item, Listing]
else:
    # Feed is generic only in the type stubs.
    _Feed = Feed


class ArticleFeed(_Feed):
    """RSS 2.0 of a list of articles; atom() makes the Atom twin of a subclass."""

    feed_type = RssFeed
    format = "rss"

    def listing(self, request: HttpRequest, **kwargs) -> Listing:
        raise NotImplementedError

    def get_object(self, request: HttpRequest, *args, **kwargs) -> Listing:
        return self.listing(request, **kwargs)

    def title(self, obj: Listing) -> str:
        return f"{obj.title} · {settings.GAZETTE_SITE_NAME}"

    def link(self, obj: Listing) -> str:
        return obj.page

    def feed_url(self, obj: Listing) -> str:
        # The feed's own address with its query: a search feed is defined by it.
        return obj.request.get_full_path()

    def feed_guid(self, obj: Listing) -> str:
        # Atom's feed id; the page's address would not do, as the top and latest feeds share a page.
        return obj.request.build_absolute_uri()

    def description(self, obj: Listing) -> str:
        return obj.description

    def subtitle(self, obj: Listing) -> str:
        return obj.description

    def items(self, obj: Listing) -> list[Item]:
        absolute = obj.request.build_absolute_uri
        return [
            Item(
                article=a,
                link=article_url(a),
                # The page's address without the title's slug: it stays the same if the title is corrected.
                guid=absolute(reverse("web:article", args=[a.pk])),
                summary=article_summary(a),
                source_name=str(a.source),
                source_feed_url=absolute(reverse(f"feeds:source_{self.format}", args=[a.source_id])),
            )
            for a in obj.articles
        ]

    def item_title(self, item: Item) -> str:
        return item.article.title

    def item_description(self, item: Item) -> str:
        # Both formats carry the description as HTML; the summary is plain text.
        return escape(item.summary)

    def item_link(self, item: Item) -> str:
        return item.link

    def item_guid(self, item: Item) -> str:
        return item.guid

    def item_pubdate(self, item: Item) -> datetime:
        return item.article.published_at

    def item_updateddate(self, item: Item) -> datetime | None:
        return item.article.updated_at

    def item_author_name(self, item: Item) -> str | None:
        return item.article.author or None

    def item_extra_kwargs(self, item: Item) -> dict:
        return {
            "original_url": item.article.url,
            "source_name": item.source_name,
            "source_feed_url": item.source_feed_url,
        }


def atom(feed: type[ArticleFeed]) -> type[ArticleFeed]:
    """The Atom variant of an RSS feed class."""
    return type(f"{feed.__name__}Atom", (feed,), {"feed_type": AtomFeed, "format": "atom"})


class TopFeed(ArticleFeed):
    def listing(self, request: HttpRequest, **kwargs) -> Listing:
        version, now = latest_article_id(), timezone.now()
        # As on the front page: stories once the story engine has grouped articles, headlines before.
        articles = [top.article for top in top_story_groups(version=version, now=now)]
        if not articles:
            articles = [article for article, _ in top_stories(version=version, now=now)]
        return Listing(
            "Top stories",
            "The front page's top stories: fresher and more widely covered first.",
            reverse("web:front"),
            articles,
            request,
        )


class LatestFeed(ArticleFeed):
    def listing(self, request: HttpRequest, **kwargs) -> Listing:
        articles = _articles(card_queryset())
        return Listing(
            "Latest", "The newest articles from every source.", reverse("web:front"), articles, request
        )


class TopicFeed(ArticleFeed):
    def listing(self, request: HttpRequest, **kwargs) -> Listing:
        topic = get_object_or_404(Topic.objects.visible(), slug=kwargs["slug"])
        articles = _articles(card_queryset().filter(topic_links__topic=topic))
        page = reverse("web:topic", args=[topic.slug])
        return Listing(topic.name, f"The newest articles in {topic.name}.", page, articles, request)


class SourceFeed(ArticleFeed):
    def listing(self, request: HttpRequest, **kwargs) -> Listing:
        source = get_object_or_404(Source, pk=kwargs["pk"])
        articles = _articles(card_queryset().filter(source=source))
        page = reverse("web:source", args=[source.pk])
        return Listing(str(source), f"The newest articles from {source}.", page, articles, request)


class EntityFeed(ArticleFeed):
    def listing(self, request: HttpRequest, **kwargs) -> Listing:
        entity = get_object_or_404(Entity.objects.visible(), slug=kwargs["slug"])
        articles = _articles(card_queryset().filter(entity_links__entity=entity))
        page = reverse("web:entity", args=[entity.slug])
        return Listing(entity.name, f"The newest articles naming {entity.name}.", page, articles, request)


class StoryFeed(ArticleFeed):
    def listing(self, request: HttpRequest, **kwargs) -> Listing:
        story = get_object_or_404(Story, pk=kwargs["pk"], hidden=False)
        # Copies repeat their original word for word, so the feed has originals only (as lists do).
        articles = _articles(card_queryset().filter(membership__story=story))
        title = story.title or "Untitled story"
        page = reverse("web:story", args=[story.pk])
        return Listing(title, f"Every outlet's coverage of: {title}.", page, articles, request)


class SearchFeed(ArticleFeed):
    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.GET.get("q", "").strip():
            return HttpResponseBadRequest("A search feed needs a query: ?q=", content_type="text/plain")
        return super().__call__(request, *args, **kwargs)

    def listing(self, request: HttpRequest, **kwargs) -> Listing:
        # The search page's own form: the same parameters (q, source, topic, category, from, to).
        form = SearchForm(request.GET)
        form.is_valid()
        q = (form.cleaned_data.get("q") or "").strip()
        hits, _ = search_articles(q=q, filters=form.filters(), limit=ITEMS, count=False)
        found = card_queryset().select_related("ai_summary").in_bulk([h.article_id for h in hits])
        articles = [found[h.article_id] for h in hits if h.article_id in found]
        page = reverse("web:search") + "?" + request.GET.urlencode()
        return Listing(f"Search: {q}", f"Articles matching “{q}”, best first.", page, articles, request)
