"""The search page: /search?q=…&source=…&topic=…&category=…&from=…&to=…"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from gazette.sources.models import Category, Source
from gazette.stories.models import Topic
from gazette.web.lists import PAGE_SIZE, card_queryset
from gazette.web.search import MAX_HITS, SearchFilters, search_articles
from gazette.web.views.caching import public_page

# The filters the search feed takes too (gazette/feeds/feeds.py reads them with the same form).
FEED_FILTERS = ("source", "topic", "category", "from", "to")


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=True)
    source = forms.ModelChoiceField(Source.objects.all(), required=False, empty_label="All sources")
    # Topics are given to each article; categories are the operator's labels for whole sources.
    topic = forms.ModelChoiceField(
        Topic.objects.all(), required=False, to_field_name="slug", empty_label="All topics"
    )
    category = forms.ModelChoiceField(
        Category.objects.all(), required=False, to_field_name="slug", empty_label="All categories"
    )
    date_from = forms.DateField(required=False, label="From")
    date_to = forms.DateField(required=False, label="To")

    def __init__(self, data, *args, **kwargs):
        # The URL says from/to; `from` is a Python keyword, so the fields are date_from/date_to.
        data = data.copy()
        data.setdefault("date_from", data.get("from", ""))
        data.setdefault("date_to", data.get("to", ""))
        super().__init__(data, *args, **kwargs)

    def filters(self) -> SearchFilters:
        """The valid filters; an invalid one is ignored (its error shown) rather than failing the search."""
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        return SearchFilters(
            source_id=getattr(data.get("source"), "pk", None),
            category_id=getattr(data.get("category"), "pk", None),
            topic_id=getattr(data.get("topic"), "pk", None),
            published_from=_day_start(data["date_from"]) if data.get("date_from") else None,
            published_before=_day_start(data["date_to"]) + timedelta(days=1) if data.get("date_to") else None,
        )


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _feed_query(params: QueryDict, q: str) -> str:
    """The query string of this search's feeds: the words and the filters set, not the page number."""
    return urlencode({"q": q, **{name: params[name] for name in FEED_FILTERS if params.get(name)}})


@public_page(max_age=30)
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    form.is_valid()
    q = (form.cleaned_data.get("q") or "").strip() if hasattr(form, "cleaned_data") else ""
    context: dict = {"form": form, "q": q, "results": [], "page": None, "total": 0}
    if q:
        try:
            number = max(1, int(request.GET.get("page", "1")))
        except ValueError:
            number = 1
        hits, total = search_articles(
            q=q, filters=form.filters(), limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
        )
        # Past MAX_HITS matches the count stops: "more than 1,000", and pages to the 1,000th.
        context["more"] = total > MAX_HITS
        total = min(total, MAX_HITS)
        if not hits and total and number > 1:
            # Past the last page: show the last one.
            number = (total - 1) // PAGE_SIZE + 1
            hits, _ = search_articles(
                q=q, filters=form.filters(), limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
            )
        found = card_queryset().in_bulk([h.article_id for h in hits])
        context["results"] = [(found[h.article_id], h) for h in hits if h.article_id in found]
        context["total"] = total
        context["page"] = Paginator(range(total), PAGE_SIZE).get_page(number)
        context["feed_query"] = _feed_query(request.GET, q)
    return render(request, "web/search.html", context)
