"""/feeds/<name>.rss and /feeds/<name>.atom for each list: top, latest, topic, source, entity, story, search."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition, require_safe

from gazette.feeds.feeds import (
    ArticleFeed,
    EntityFeed,
    LatestFeed,
    SearchFeed,
    SourceFeed,
    StoryFeed,
    TopFeed,
    TopicFeed,
    atom,
)
from gazette.web.caching import list_etag

app_name = "feeds"

MAX_AGE = 60

FEEDS: list[tuple[str, str, type[ArticleFeed]]] = [
    ("top", "top", TopFeed),
    ("latest", "latest", LatestFeed),
    ("topic", "topic/<slug:slug>", TopicFeed),
    ("source", "source/<int:pk>", SourceFeed),
    ("entity", "entity/<slug:slug>", EntityFeed),
    ("story", "story/<int:pk>", StoryFeed),
    ("search", "search", SearchFeed),
]


def feed_view(feed: ArticleFeed) -> Callable[..., HttpResponse]:
    """The feed with the list pages' ETag (feed readers poll with If-None-Match) and public caching."""
    conditional = condition(etag_func=list_etag)(feed)

    @require_safe
    @wraps(conditional)
    def view(request: HttpRequest, **kwargs) -> HttpResponse:
        response = conditional(request, **kwargs)
        if response.status_code in (200, 304):
            patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response

    return view


def _patterns() -> list[URLPattern]:
    patterns = []
    for name, route, feed in FEEDS:
        patterns.append(path(f"{route}.rss", feed_view(feed()), name=f"{name}_rss"))
        patterns.append(path(f"{route}.atom", feed_view(atom(feed)()), name=f"{name}_atom"))
    return patterns


urlpatterns = _patterns()
