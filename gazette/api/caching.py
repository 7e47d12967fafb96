"""HTTP caching of API responses: the reader site's list ETag (304s) and short public caching."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import condition

from gazette.web.caching import list_etag

MAX_AGE = 30


def api_cache(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ETag from the URL, the newest article and the minute (as list pages); public for MAX_AGE seconds."""
    conditional = condition(etag_func=list_etag)(run)

    @wraps(run)
    def wrapped(request: HttpRequest, **kwargs) -> HttpResponse:
        response = conditional(request, **kwargs)
        if response.status_code in (200, 304):
            patch_cache_control(response, public=True, max_age=MAX_AGE)
        return response

    return wrapped


def reader_private(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A reader's own answers (their follows, saved articles, tokens) are stored by no cache on the way."""

    @wraps(run)
    def wrapped(request: HttpRequest, **kwargs) -> HttpResponse:
        response = run(request, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapped
