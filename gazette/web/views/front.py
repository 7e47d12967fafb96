"""The front page."""

from __future__ import annotations

import hashlib

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import condition

from gazette.articles.selectors import latest_article_id
from gazette.stories.selectors import (
    SECTION_SIZE,
    latest_by_story,
    stories_of,
    top_stories,
    top_story_groups,
    topic_sections,
)
from gazette.web.caching import list_etag, page_cache, public_page
from gazette.web.frontpage import latest_group, sections_dedupe
from gazette.web.lists import paginate


@public_page(max_age=30)
@condition(etag_func=list_etag)
@page_cache(list_etag, 60)
def front(request: HttpRequest) -> HttpResponse:
    version = latest_article_id()
    now = timezone.now()
    # Stories once the story engine has grouped articles; headline matching before that. Latest
    # leaves them out on every page, so a top story is not listed again further down.
    top_groups = top_story_groups(version=version, now=now)
    top = [] if top_groups else top_stories(version=version, now=now)
    stories_above = {item.story.pk for item in top_groups}
    shown = {item.article.pk for item in top_groups} | {article.pk for article, _ in top}
    latest = latest_by_story(stories_above=stories_above, articles_above=shown)
    above = hashlib.sha1(repr((sorted(stories_above), sorted(shown))).encode()).hexdigest()[:12]
    page = paginate(request, latest, key=f"front:{above}", version=version)
    context = {"page": page, "top": [], "top_stories": [], "sections": []}
    if page.number == 1:
        context["top_stories"], context["top"] = top_groups, top
    articles = list(page.object_list)
    context["latest"] = latest_group(
        articles=articles,
        stories=stories_of(article_ids=[a.pk for a in articles]),
        shown=set(shown),
        stories_above=stories_above,
        limit=page.paginator.per_page,
    )
    shown.update(card.article.pk for card in context["latest"])
    if page.number == 1:
        context["sections"] = sections_dedupe(
            sections=topic_sections(version=version), shown=shown, size=SECTION_SIZE
        )
    return render(request, "web/front.html", context)
