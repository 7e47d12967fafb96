"""The article page's Translate control: offered only when an LLM is configured, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_request

from gazette.ai.translate import LANGUAGES, language_pick


def translate_offered() -> bool:
    """Whether an LLM is configured (the settings were validated at start-up): no LLM, no translation."""
    return bool(settings.GAZETTE_LLM.enabled)


def reader_language(request: HttpRequest) -> str:
    """The offered language closest to the reader's Accept-Language (English when none is)."""
    return language_pick(get_language_from_request(request))


def translate_offer(request: HttpRequest, *, selected: str | None = None) -> dict:
    """Template context for the Translate control; empty (no control) when no LLM is configured."""
    if not translate_offered():
        return {}
    return {
        "translate": {
            "languages": sorted(LANGUAGES.items(), key=lambda item: item[1]),
            "selected": selected or reader_language(request),
        }
    }


def translate_etag_part(request: HttpRequest) -> str:
    """What of the reader's request the Translate control shows (its default language), for ETags."""
    return reader_language(request) if translate_offered() else ""


def vary_on_reader_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Vary: Accept-Language on pages whose Translate control defaults to the reader's language."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if translate_offered():
            patch_vary_headers(response, ["Accept-Language"])
        return response

    return wrapped
