"""Paging for the pages that list articles."""

from __future__ import annotations

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

from gazette.articles.models import Article

PAGE_SIZE = 20
# Lists are paged this deep at most. Counting every article takes seconds at a million (COUNT(*) reads
# the whole table), and a page thousands deep is an OFFSET just as slow; older articles are found through
# search, its date filters, and the topic, source and entity pages.
MAX_PAGES = 500


class CappedPaginator(Paginator):
    """Django's paginator over at most `max_pages` pages: it counts no further than that many rows.

    `capped` says whether rows were left uncounted, so the pager can say "of 500+".
    """

    def __init__(self, object_list: QuerySet, per_page: int, *, max_pages: int = MAX_PAGES) -> None:
        super().__init__(object_list, per_page)
        self.rows = object_list
        self.max_rows = max_pages * per_page
        self.capped = False

    @cached_property
    def count(self) -> int:
        # Unordered: the count of a limited set does not depend on its order, so any index will do.
        found = self.rows.order_by().values("pk")[: self.max_rows + 1].count()
        self.capped = found > self.max_rows
        return min(found, self.max_rows)


def paginate(request: HttpRequest, queryset: QuerySet[Article], *, key: str, version: int) -> Page:
    """A page of cards; ?page= out of range shows the nearest page. The count is cached per version."""
    paginator = CappedPaginator(queryset, PAGE_SIZE, max_pages=MAX_PAGES)
    count_key = f"web:pages:{key}:{version}"
    counted = cache.get(count_key)
    if counted is None:
        counted = (paginator.count, paginator.capped)
        cache.set(count_key, counted, 300)
    paginator.__dict__["count"], paginator.capped = counted  # Paginator.count is a cached_property
    return paginator.get_page(request.GET.get("page"))
