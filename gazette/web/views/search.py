"""The search page: /search?q=…&source=…&topic=…&category=…&from=…&to=…"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from gazette.articles.selectors import card_queryset
from gazette.search.forms import SearchForm
from gazette.search.query import FEW_HITS, MAX_HITS, search_articles
from gazette.search.suggest import search_suggestion
from gazette.web.caching import public_page
from gazette.web.lists import PAGE_SIZE

# The filters the search feed takes too (gazette/feeds/feeds.py reads them with the same form).
FEED_FILTERS = ("source", "topic", "category", "from", "to")


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
        context["partial"] = any(h.partial for h in hits)
        if total < FEW_HITS or context["partial"]:
            suggestion = search_suggestion(q=q)
            if suggestion:
                context["suggestion"] = suggestion
                context["suggestion_query"] = _feed_query(request.GET, suggestion)
    return render(request, "web/search.html", context)
