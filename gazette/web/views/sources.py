"""The list of sources and each source's page with its health."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from gazette.articles.selectors import card_queryset, latest_article_id
from gazette.sources.activity import source_activity
from gazette.sources.models import Source
from gazette.web.caching import public_page
from gazette.web.lists import paginate


@public_page(max_age=60)
def source_list(request: HttpRequest) -> HttpResponse:
    sources = Source.objects.annotate(article_count=Count("articles")).prefetch_related("categories")
    return render(request, "web/sources.html", {"sources": sources})


@public_page(max_age=30)
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = get_object_or_404(Source.objects.prefetch_related("categories"), pk=pk)
    articles = card_queryset().filter(source=source)
    page = paginate(request, articles, key=f"source-{source.pk}", version=latest_article_id())
    activity = source_activity(source=source, now=timezone.now())
    return render(request, "web/source.html", {"source": source, "page": page, "activity": activity})
