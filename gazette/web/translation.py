"""The article page's Translate control: offered only when an LLM is configured, in the reader's language."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_request

from gazette.ai.llm import LLMClient, llm_from_env
from gazette.ai.translate import LANGUAGES, language_pick
from gazette.conf import ConfigError, env_str

log = logging.getLogger(__name__)


def translate_llm() -> LLMClient | None:
    """The configured LLM, or None: no LLM, no translation (a broken setting is logged, not shown)."""
    try:
        return llm_from_env()
    except ConfigError as exc:
        log.warning("translate: LLM settings are invalid, translation is off: %s", exc)
        return None


def translate_offered() -> bool:
    """Whether llm_from_env() would give a client, without building one (that takes ~50 ms of TLS setup)."""
    base_url = env_str("GAZETTE_LLM_BASE_URL").strip()
    return base_url.startswith(("http://", "https://")) and bool(env_str("GAZETTE_LLM_MODEL").strip())


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
