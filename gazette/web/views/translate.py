"""Machine translation of an article (LLM mode only): POST /article/<id>/translate/."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from gazette.ai.llm import llm_gateway
from gazette.ai.sentences import paragraphs_split
from gazette.ai.translate import LANGUAGES, TEXT_MAX_CHARS, TranslateError, language_name, translate_text
from gazette.articles.models import Article
from gazette.web.caching import csrf_fill
from gazette.web.ratelimit import ask_rate_take
from gazette.web.translation import translate_offer, translate_offered
from gazette.web.views.articles import article_context, article_visible_text

# Translations change only when the article or the model does, and both are in the key.
TRANSLATION_CACHE_SECONDS = 7 * 24 * 3600


def _translation(request: HttpRequest, item: Article, code: str) -> tuple[dict, int]:
    """The translation panel's context and the status: cached, freshly translated, or an error."""
    llm = llm_gateway()
    if llm is None:
        raise Http404("Translation is not available on this site.")
    text = f"{item.title}\n\n{article_visible_text(item)}"
    version = hashlib.blake2b(f"{llm.model}\n{text}".encode(), digest_size=12).hexdigest()
    key = f"ai:translate:{item.pk}:{code}:{version}"
    panel: dict = {"code": code, "language": language_name(code), "model": llm.model}
    panel["truncated"] = len(text) > TEXT_MAX_CHARS
    translated = cache.get(key)
    if translated is None:
        if not ask_rate_take(request):
            panel["error"] = "You have asked for a lot in a short time. Please wait a minute and try again."
            return panel, 429
        try:
            # Each request to the model is charged by the gateway; past the daily limit the
            # translation stops with a message saying so.
            translated = translate_text(text=text, target_language=code, llm=llm)
        except TranslateError as exc:
            panel["error"] = str(exc)
            return panel, 503
        cache.set(key, translated, TRANSLATION_CACHE_SECONDS)
    panel["paragraphs"] = paragraphs_split(translated)
    return panel, 200


@require_POST
def article_translate(request: HttpRequest, pk: int) -> HttpResponse:
    """The article's text in the chosen language; with htmx only the translation panel is swapped."""
    if not translate_offered():
        raise Http404("Translation is not available on this site.")
    item = get_object_or_404(
        Article.objects.select_related("source", "duplicate_of__source", "ai_summary"), pk=pk
    )
    code = request.POST.get("language", "")
    if code not in LANGUAGES:
        panel, status = {"error": "Choose a language from the list."}, 400
    else:
        panel, status = _translation(request, item, code)
    if request.headers.get("HX-Request"):
        response = render(request, "web/_translation.html", {"translation": panel}, status=status)
    else:
        context = article_context(item)
        context.update(translate_offer(request, selected=code if code in LANGUAGES else None))
        context["translation"] = panel
        response = render(request, "web/article.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return csrf_fill(request, response)
