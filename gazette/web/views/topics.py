"""Topic pages (the fixed taxonomy), the operator's categories, and entity pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import condition

from gazette.articles.selectors import card_queryset, latest_article_id
from gazette.sources.models import Category
from gazette.stories.models import Entity, Topic
from gazette.web.caching import list_etag, page_cache, public_page
from gazette.web.lists import paginate


@public_page(max_age=30)
@condition(etag_func=list_etag)
@page_cache(list_etag, 60)
def topic(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Topic, slug=slug, hidden=False)
    if item.merged_into is not None:  # merged by an operator: its articles are there
        return redirect("web:topic", slug=item.merged_into.slug)
    articles = card_queryset().filter(topic_links__topic=item)
    page = paginate(request, articles, key=f"topic-{item.pk}", version=latest_article_id())
    return render(request, "web/topic.html", {"topic": item, "page": page})


@public_page(max_age=30)
@condition(etag_func=list_etag)
@page_cache(list_etag, 60)
def category(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Category, slug=slug)
    articles = card_queryset().filter(source__categories=item)
    page = paginate(request, articles, key=f"category-{item.pk}", version=latest_article_id())
    sources = item.sources.all()
    return render(request, "web/category.html", {"category": item, "page": page, "sources": sources})


@public_page(max_age=30)
@condition(etag_func=list_etag)
@page_cache(list_etag, 60)
def entity(request: HttpRequest, slug: str) -> HttpResponse:
    item = get_object_or_404(Entity, slug=slug, hidden=False)
    if item.merged_into is not None:  # an alias an operator merged: its articles are there
        return redirect("web:entity", slug=item.merged_into.slug)
    articles = card_queryset().filter(entity_links__entity=item)
    page = paginate(request, articles, key=f"entity-{item.pk}", version=latest_article_id())
    return render(request, "web/entity.html", {"entity": item, "page": page})
