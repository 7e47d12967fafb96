"""The front page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import condition

from gazette.articles.selectors import card_queryset, latest_article_id
from gazette.stories.selectors import SECTION_SIZE, stories_of, top_stories, top_story_groups, topic_sections
from gazette.web.caching import list_etag, page_cache, public_page
from gazette.web.frontpage import latest_group, sections_dedupe
from gazette.web.lists import paginate

# Latest reads this many pages' worth of articles from the page's start: a story's articles folded
# into one card, and the top stories' left out, would otherwise leave the first page nearly empty
# (one card of twenty on the demo corpus, whose newest articles belong to the top stories).
LATEST_WINDOW_PAGES = 3


@public_page(max_age=30)
@condition(etag_func=list_etag)
@page_cache(list_etag, 60)
def front(request: HttpRequest) -> HttpResponse:
    version = latest_article_id()
    page = paginate(request, card_queryset(), key="front", version=version)
    context = {"page": page, "top": [], "top_stories": [], "sections": []}
    shown: set[int] = set()  # articles already on the page, each shown once
    stories_above: set[int] = set()
    if page.number == 1:
        now = timezone.now()
        # Stories once the story engine has grouped articles; headline matching before that.
        context["top_stories"] = top_story_groups(version=version, now=now)
        if not context["top_stories"]:
            context["top"] = top_stories(version=version, now=now)
        shown.update(item.article.pk for item in context["top_stories"])
        shown.update(article.pk for article, _ in context["top"])
        stories_above.update(item.story.pk for item in context["top_stories"])
    start = (page.number - 1) * page.paginator.per_page
    articles = list(card_queryset()[start : start + page.paginator.per_page * LATEST_WINDOW_PAGES])
    stories = stories_of(article_ids=[a.pk for a in articles])
    context["latest"] = latest_group(
        articles=articles,
        stories=stories,
        shown=shown,
        stories_above=stories_above,
        limit=page.paginator.per_page,
    )
    if page.number == 1:
        context["sections"] = sections_dedupe(
            sections=topic_sections(version=version), shown=shown, size=SECTION_SIZE
        )
    return render(request, "web/front.html", context)
