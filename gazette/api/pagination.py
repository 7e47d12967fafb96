"""limit/offset paging for every list: limits capped, counts cached until the next article arrives."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema

from gazette.articles.selectors import latest_article_id

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Far past any real list; it keeps the offset inside a 64-bit integer for the database.
MAX_OFFSET = 1_000_000
COUNT_SECONDS = 300


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"items per page, at most {MAX_LIMIT}")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="items to skip")

    def window(self) -> slice:
        return slice(self.offset, self.offset + self.limit)


class PageMeta(Schema):
    """The head of every list; subclasses add `items`."""

    count: int
    limit: int
    offset: int
    next: str | None = Field(description="the next page's URL, null on the last page")
    previous: str | None = Field(description="the previous page's URL, null on the first page")


def page_meta(request: HttpRequest, page: PageParams, count: int) -> dict:
    """count, limit, offset and the absolute URLs of the next and previous pages (None at the ends)."""

    def link(offset: int) -> str:
        query = request.GET.copy()
        query["offset"] = str(offset)
        query["limit"] = str(page.limit)
        return request.build_absolute_uri("?" + query.urlencode())

    after = page.offset + page.limit
    return {
        "count": count,
        "limit": page.limit,
        "offset": page.offset,
        "next": link(after) if after < count else None,
        "previous": link(max(page.offset - page.limit, 0)) if page.offset > 0 else None,
    }


def cached_count(request: HttpRequest, queryset: QuerySet) -> int:
    """The queryset's size, remembered per filter until a new article is stored (as the pages do)."""
    query = request.GET.copy()
    query.pop("limit", None)
    query.pop("offset", None)
    raw = f"{request.path}?{query.urlencode()}"
    key = f"api:count:{hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()}:{latest_article_id()}"
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, COUNT_SECONDS)
    return count
