"""The front page and topic pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import condition

from gazette.sources.models import Category
from gazette.web.lists import card_queryset, latest_article_id, paginate, top_stories, topic_sections
from gazette.web.views.caching import etag_of, once_per_request, page_cache, public_page


@once_per_request
def _list_etag(request: HttpRequest, **kwargs) -> str:
    # Relative times in the page age, so the ETag also turns over every minute.
    minute = int(timezone.now().timestamp() // 60)
    return etag_of(request, request.path, request.GET.urlencode(), latest_article_id(), minute, kwargs)


@public_page(max_age=30)
@condition(etag_func=_list_etag)
@page_cache(_list_etag, 60)
def front(request: HttpRequest) -> HttpResponse:
    version = latest_article_id()
    page = paginate(request, card_queryset(), key="front", version=version)
    context = {"page": page, "top": [], "sections": []}
    if page.number == 1:
        context["top"] = top_stories(version=version, now=timezone.now())
        context["sections"] = topic_sections(version=version)
    return render(request, "web/front.html", context)


@public_page(max_age=30)
@condition(etag_func=_list_etag)
@page_cache(_list_etag, 60)
def topic(request: HttpRequest, slug: str) -> HttpResponse:
    category = get_object_or_404(Category, slug=slug)
    articles = card_queryset().filter(source__categories=category)
    page = paginate(request, articles, key=f"topic-{category.pk}", version=latest_article_id())
    sources = category.sources.all()
    return render(request, "web/topic.html", {"topic": category, "page": page, "sources": sources})
