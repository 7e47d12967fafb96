"""The article page, its AI panel fragment and "Ask about this article"."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.contrib.auth.models import User
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition, require_GET, require_POST

from gazette.accounts.comments import comments_version
from gazette.accounts.reading import article_opened
from gazette.ai.ask import EXTRACTIVE_METHOD, Answer, answer_question
from gazette.ai.llm import llm_gateway
from gazette.ai.models import ArticleSummary
from gazette.articles.body import article_body
from gazette.articles.models import Article
from gazette.articles.selectors import card_queryset, latest_article_id
from gazette.stories.entity_store import article_names_find
from gazette.stories.models import ArticleEntity, StoryMember
from gazette.stories.related import related_coverage
from gazette.web.caching import (
    csrf_fill,
    etag_of,
    once_per_request,
    page_cache,
    public_page,
    with_csrf,
)
from gazette.web.highlight import citations_highlight
from gazette.web.ratelimit import ask_rate_take
from gazette.web.templatetags.gazette_web import ago
from gazette.web.translation import translate_etag_part, translate_offer, vary_on_reader_language

RELATED_CACHE_SECONDS = 300
# How long a re-extracted article may keep its old ETag.
TIMES_SECONDS = 2
ENTITY_CHIPS = 5
QUESTION_MAX_CHARS = 300
# The summary placeholder asks again every 3 seconds; after this many tries it stops and says so.
SUMMARY_POLL_TRIES = 40
SHORT_SUMMARY_CHARS = 220


def _times(pk: int) -> tuple[datetime, datetime, datetime | None] | None:
    """(last changed, published, summary made) for an article, or None when it doesn't exist; remembered briefly."""
    key = f"web:article-times:{pk}"
    times = cache.get(key)
    if times is None:
        row = (
            Article.objects.filter(pk=pk)
            .values_list("fetched_at", "updated_at", "published_at", "ai_summary__created_at")
            .first()
        )
        if row is None:
            return None
        fetched, updated, published, summarised = row
        times = (max(fetched, updated or fetched), published, summarised)
        cache.set(key, times, TIMES_SECONDS)
    return times


@once_per_request
def _etag(request: HttpRequest, pk: int, slug: str = "") -> str | None:
    times = _times(pk)
    if times is None:
        return None
    changed, published, summarised = times
    # New articles may change the related list and "also published by", hence the newest id; the page
    # shows "29 minutes ago", hence that text; the AI panel shows the summary once it exists; and the
    # readers' comments.
    return etag_of(
        request,
        pk,
        changed.isoformat(),
        latest_article_id(),
        ago(published),
        summarised,
        translate_etag_part(request),
        comments_version(article_id=pk),
    )


@once_per_request
def _conditional_etag(request: HttpRequest, pk: int, slug: str = "") -> str | None:
    # The reader's copy holds a token for their CSRF cookie: a new cookie must fetch a new copy.
    tag = _etag(request, pk, slug)
    return tag and etag_of(request, tag, request.COOKIES.get("csrftoken", ""))


@once_per_request
def _last_modified(request: HttpRequest, pk: int, slug: str = "") -> datetime | None:
    times = _times(pk)
    return times[0] if times else None


def _short_summary(article: Article) -> str:
    summary = getattr(article, "ai_summary", None)
    text = " ".join(summary.sentences) if summary is not None else ""
    return text[:SHORT_SUMMARY_CHARS].rsplit(" ", 1)[0] + "…" if len(text) > SHORT_SUMMARY_CHARS else text


def _related(article: Article, exclude_ids: tuple[int, ...]) -> list[Article]:
    key = f"web:related:{article.pk}:{latest_article_id()}"
    ids = cache.get(key)
    if ids is None:
        ids = related_coverage(article, exclude_ids=exclude_ids)
        cache.set(key, ids, RELATED_CACHE_SECONDS)
    found = card_queryset().select_related("ai_summary").in_bulk(ids)
    related = [found[i] for i in ids if i in found]
    for other in related:
        other.short = _short_summary(other)  # type: ignore[attr-defined]  # shown on its card
    return related


def _summary(article: Article) -> ArticleSummary | None:
    try:
        return article.ai_summary
    except ArticleSummary.DoesNotExist:
        return None


def article_context(item: Article) -> dict:
    """Everything the article page shows except an answer to a question."""
    also = list(
        Article.objects.filter(duplicate_of=item)
        .select_related("source")
        .only("id", "title", "published_at", "source")
        .order_by("published_at")
    )
    if item.duplicate_of is not None:
        also.insert(0, item.duplicate_of)
    body_html, excerpt = article_body(article=item)
    membership = StoryMember.objects.filter(article=item).select_related("story").first()
    entities = [
        link.entity
        for link in ArticleEntity.objects.filter(article=item, entity__hidden=False)
        .select_related("entity")
        .order_by("-mentions", "entity__name")[:ENTITY_CHIPS]
    ]
    return {
        "article": item,
        "source": item.source,
        "excerpt": excerpt,
        "body_html": body_html,
        "also": also,
        "related": _related(item, tuple(a.pk for a in also)),
        "story": membership.story if membership and not membership.story.hidden else None,
        "entities": entities,
        "summary": _summary(item),
        "summary_pending": bool(item.content_text.strip()),
        "next_try": 1,
    }


def _article(pk: int) -> Article:
    return get_object_or_404(
        Article.objects.select_related("source", "duplicate_of__source", "ai_summary"), pk=pk
    )


def _marks_read(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in reader who opens the page has read the article (their setting may turn it off)."""

    @wraps(view)
    def wrapped(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
        response = view(request, pk, slug)
        if response.status_code == 200 and isinstance(request.user, User):
            article_opened(user=request.user, article_id=pk)
        return response

    return wrapped


@_marks_read
@vary_on_reader_language
@with_csrf
@public_page(max_age=60)
@condition(etag_func=_conditional_etag, last_modified_func=_last_modified)
@page_cache(_etag, 300)
def article(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    return render(request, "web/article.html", {**article_context(_article(pk)), **translate_offer(request)})


@require_GET
@never_cache
def article_ai(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary part of the AI panel: a placeholder that asks again until the summary exists."""
    item = get_object_or_404(Article.objects.only("id", "content_text"), pk=pk)
    try:
        tries = max(0, int(request.GET.get("try", "0")))
    except ValueError:
        tries = 0
    context = {
        "article": item,
        "summary": ArticleSummary.objects.filter(article_id=item.pk).first(),
        "summary_pending": bool(item.content_text.strip()) and tries < SUMMARY_POLL_TRIES,
        "summary_gave_up": tries >= SUMMARY_POLL_TRIES,
        "next_try": tries + 1,
    }
    return render(request, "web/_ai_summary.html", context)


@dataclass
class Cited:
    number: int
    text: str
    found: bool


_CITE_MARK = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


def answer_html(text: str, found: list[bool]) -> SafeString:
    """The answer escaped, its [1]-style citation marks turned into links to the highlighted sentences."""
    parts: list[str] = []
    last = 0
    for match in _CITE_MARK.finditer(text):
        parts.append(escape(text[last : match.start()]))
        links = []
        for raw in match.group(1).split(","):
            n = int(raw)
            if 1 <= n <= len(found) and found[n - 1]:
                links.append(format_html('<a href="#cite-{}">{}</a>', n, n))
            else:
                links.append(escape(str(n)))
        parts.append(format_html("<sup>[{}]</sup>", mark_safe(", ".join(links))))  # noqa: S308 - parts escaped
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped above


def article_visible_text(item: Article) -> str:
    """The text the reader can see: an excerpt-only source's full text is not shown, so it is not used."""
    html, excerpt = article_body(article=item)
    if excerpt:
        return " ".join(re.sub(r"<[^>]*>", " ", html).split())
    return item.content_text


def answer_ask(item: Article, question: str) -> Answer:
    """The grounded answer from the text the reader can see; the builder falls back to its built-in
    method itself when the gateway refuses the call (daily limit) or the model fails."""
    text = article_visible_text(item)
    names = article_names_find(article_ids=[item.pk])
    return answer_question(text=text, question=question, title=item.title, llm=llm_gateway(), names=names)


def question_take(request: HttpRequest, *, about: str) -> tuple[dict, int]:
    """The posted question (spaces collapsed, cut to QUESTION_MAX_CHARS) as the page's `ask` context and
    its status: 200 to answer it, or 400 (empty) or 429 (asked too often) with the error to show."""
    question = " ".join(request.POST.get("question", "").split())[:QUESTION_MAX_CHARS]
    ask: dict = {"question": question}
    if not question:
        ask["error"] = f"Type a question about {about} first."
        return ask, 400
    if not ask_rate_take(request):
        ask["error"] = (
            "You have asked a lot of questions in a short time. Please wait a minute and try again."
        )
        return ask, 429
    return ask, 200


@require_POST
def article_ask(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer a reader's question about the article; with htmx only the answer and the text are swapped."""
    item = _article(pk)
    ask, status = question_take(request, about="the article")
    shown_html, excerpt = article_body(article=item)
    body_html = None
    if "error" not in ask:
        answer = answer_ask(item, ask["question"])
        body_html, found = citations_highlight(shown_html, answer.citations)
        ask.update(
            answer=answer,
            answer_html=answer_html(answer.answer, found),
            extractive=answer.method == EXTRACTIVE_METHOD,
            model=answer.method.removeprefix("llm:"),
            citations=[
                Cited(n, t, f) for n, (t, f) in enumerate(zip(answer.citations, found, strict=True), 1)
            ],
        )
    if request.headers.get("HX-Request"):
        context = {"ask": ask, "article": item, "body_html": body_html, "excerpt": excerpt}
        response = render(request, "web/_ask_result.html", context, status=status)
    else:
        context = {**article_context(item), **translate_offer(request)}
        context["ask"] = ask
        if body_html is not None:
            context["body_html"] = body_html
        response = render(request, "web/article.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return csrf_fill(request, response)
