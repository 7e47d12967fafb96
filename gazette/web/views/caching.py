"""HTTP caching shared by the pages: short public caching that varies with the theme cookie."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from gazette.web.templatetags.gazette_web import THEME_COOKIE


def public_page(max_age: int) -> Callable:
    """Cache-Control: public for `max_age` seconds; Vary: Cookie since the theme is rendered server-side."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                patch_cache_control(response, public=True, max_age=max_age)
                patch_vary_headers(response, ["Cookie"])
            return response

        return wrapped

    return decorator


def etag_of(request: HttpRequest, *parts: object) -> str:
    """A strong ETag over the given parts plus the reader's theme."""
    raw = "|".join(str(p) for p in (*parts, request.COOKIES.get(THEME_COOKIE, "")))
    return hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()


def once_per_request(func: Callable[..., Any]) -> Callable[..., Any]:
    """Memoise an ETag/Last-Modified function on the request: Django's condition() and page_cache both ask."""
    attr = f"_gazette_{func.__name__}"

    @wraps(func)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not hasattr(request, attr):
            setattr(request, attr, func(request, *args, **kwargs))
        return getattr(request, attr)

    return wrapped


def page_cache(etag_func: Callable[..., str | None], seconds: int) -> Callable:
    """Keep the rendered page under its ETag: whatever would change the page changes the ETag."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            tag = etag_func(request, *args, **kwargs)
            if tag is None:
                return view(request, *args, **kwargs)
            key = "web:page:" + etag_of(request, tag, request.get_full_path())
            body = cache.get(key)
            if body is not None:
                return HttpResponse(body)
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                cache.set(key, response.content, seconds)
            return response

        return wrapped

    return decorator
