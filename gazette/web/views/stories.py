"""Stories: full coverage of one event, its digest fragment, the list of stories and the blindspots."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition, require_GET

from gazette.ai.models import StoryDigest
from gazette.stories.models import Story
from gazette.web.coverage import blindspots_find, label_breakdown, lean_values, story_articles, story_timeline
from gazette.web.lists import PAGE_SIZE
from gazette.web.views.caching import list_etag, page_cache, public_page

# The digest placeholder asks again every 3 seconds; after this many tries it stops and says so.
DIGEST_POLL_TRIES = 40


def _digest_context(story: Story, *, tries: int = 0) -> dict:
    digest = StoryDigest.objects.filter(story=story).first()
    return {
        "story": story,
        "digest": digest.data if digest else None,
        # The digest compares outlets, so it is only built once a second one covers the story.
        "digest_pending": digest is None and story.source_count >= 2 and tries < DIGEST_POLL_TRIES,
        "digest_gave_up": digest is None and tries >= DIGEST_POLL_TRIES,
        "next_try": tries + 1,
    }


@public_page(max_age=30)
@condition(etag_func=list_etag)
@page_cache(list_etag, 60)
def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    story = get_object_or_404(Story.objects.select_related("first_article__source"), pk=pk)
    articles = story_articles(story)
    sources = list({a.source_id: a.source for a in articles}.values())
    first = story.first_article or next((a for a in articles if a.duplicate_of_id is None), None)
    context = {
        "timeline": story_timeline(articles),
        "first": first,
        "outlets": len(sources),
        "breakdown": label_breakdown(sources) if sources else [],
        **_digest_context(story),
    }
    return render(request, "web/story.html", context)


@require_GET
@never_cache
def story_digest(request: HttpRequest, pk: int) -> HttpResponse:
    """The digest part of the story page: a placeholder that asks again until the digest exists."""
    story = get_object_or_404(Story, pk=pk)
    try:
        tries = max(0, int(request.GET.get("try", "0")))
    except ValueError:
        tries = 0
    return render(request, "web/_digest.html", _digest_context(story, tries=tries))


@public_page(max_age=30)
@condition(etag_func=list_etag)
@page_cache(list_etag, 60)
def story_list(request: HttpRequest) -> HttpResponse:
    stories = Story.objects.listed().select_related("first_article__source")
    page = Paginator(stories, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/stories.html", {"page": page})


@public_page(max_age=60)
@condition(etag_func=list_etag)
@page_cache(list_etag, 120)
def blindspots(request: HttpRequest) -> HttpResponse:
    context = {"blindspots": blindspots_find(), "leans": lean_values()}
    return render(request, "web/blindspots.html", context)
