"""HTTP caching shared by the pages: short public caching that varies with the theme cookie; CSRF slots.

Only signed-out readers' pages are shared. A signed-in reader's page carries their name, follows and saves,
so it is never stored (here, in browsers or in proxies) and never answered with 304 from a shared ETag.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers

from gazette.articles.selectors import latest_article_id
from gazette.web.templatetags.gazette_web import THEME_COOKIE, csrf_slot


def reader_signed_in(request: HttpRequest) -> bool:
    """Whether the page is rendered for a signed-in reader, and so shows their own state."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def public_page(max_age: int) -> Callable:
    """Cache-Control: public for `max_age` seconds; Vary: Cookie since the theme is rendered server-side.

    For a signed-in reader the page is private and uncached instead, and conditional requests are ignored:
    the ETags of the views below describe the shared page, not this reader's follows and saves.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if reader_signed_in(request):
                for header in ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE"):
                    request.META.pop(header, None)
                response = view(request, *args, **kwargs)
                for header in ("ETag", "Last-Modified"):
                    if header in response:
                        del response[header]
                add_never_cache_headers(response)
                patch_vary_headers(response, ["Cookie"])
                return response
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


@once_per_request
def list_etag(request: HttpRequest, **kwargs) -> str:
    """ETag of a list page: its URL, the newest article, and the minute (relative times age)."""
    minute = int(timezone.now().timestamp() // 60)
    return etag_of(request, request.path, request.GET.urlencode(), latest_article_id(), minute, kwargs)


def page_cache(etag_func: Callable[..., str | None], seconds: int) -> Callable:
    """Keep the rendered page under its ETag: whatever would change the page changes the ETag.

    Only signed-out readers' pages are kept: a signed-in reader's page is theirs alone.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if reader_signed_in(request):
                return view(request, *args, **kwargs)
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


def csrf_fill(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Put the reader's CSRF token into the slot; a response that hands out a new token is not shared."""
    if response.streaming or response.status_code == 304:
        return response
    slot = csrf_slot().encode()
    if slot in response.content:
        had_cookie = settings.CSRF_COOKIE_NAME in request.COOKIES
        response.content = response.content.replace(slot, get_token(request).encode())
        if not had_cookie:
            patch_cache_control(response, private=True)
    return response


def with_csrf(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Decorator form of csrf_fill; goes outside page_cache so cached bodies keep the slot."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return csrf_fill(request, view(request, *args, **kwargs))

    return wrapped
