"""Stories: full coverage of one event, its digest fragment, "Ask about this story", the list, blindspots."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition, require_GET, require_POST

from gazette.accounts.comments import comments_version
from gazette.ai.ask import EXTRACTIVE_METHOD
from gazette.ai.ask_story import StoryAnswer, StoryArticle, answer_story_question
from gazette.ai.llm import llm_gateway
from gazette.ai.models import StoryDigest
from gazette.articles.models import Article
from gazette.stories.coverage import (
    blindspots_find,
    label_breakdown,
    lean_values,
    story_articles,
    story_timeline,
)
from gazette.stories.entity_store import article_names_find
from gazette.stories.models import Story
from gazette.web.caching import (
    csrf_fill,
    etag_of,
    list_etag,
    once_per_request,
    page_cache,
    public_page,
    with_csrf,
)
from gazette.web.lists import PAGE_SIZE
from gazette.web.views.articles import answer_html, article_visible_text, question_take

# The digest placeholder asks again every 3 seconds; after this many tries it stops and says so.
DIGEST_POLL_TRIES = 40
# Articles a story question is answered from: the earliest originals (a story rarely has more).
ASK_ARTICLES_MAX = 40


def _digest_context(story: Story, *, tries: int = 0) -> dict:
    digest = StoryDigest.objects.filter(story=story).first()
    return {
        "story": story,
        "digest": digest.data if digest else None,
        # The digest compares outlets, so it is only built once a second one covers the story.
        "digest_pending": digest is None and story.source_count >= 2 and tries < DIGEST_POLL_TRIES,
        "digest_gave_up": digest is None and tries >= DIGEST_POLL_TRIES,
        "next_try": tries + 1,
    }


@once_per_request
def _story_page_etag(request: HttpRequest, pk: int) -> str:
    # The list's parts, and the readers' comments.
    return etag_of(request, list_etag(request, pk=pk), comments_version(story_id=pk))


@once_per_request
def _story_etag(request: HttpRequest, pk: int) -> str:
    # The page holds a token for the reader's CSRF cookie (the ask form): a new cookie needs a new copy.
    return etag_of(request, _story_page_etag(request, pk), request.COOKIES.get("csrftoken", ""))


def story_context(story: Story) -> dict:
    """Everything the story page shows except an answer to a question."""
    articles = story_articles(story)
    sources = list({a.source_id: a.source for a in articles}.values())
    first = story.first_article or next((a for a in articles if a.duplicate_of_id is None), None)
    return {
        "timeline": story_timeline(articles),
        "first": first,
        "outlets": len(sources),
        "breakdown": label_breakdown(sources) if sources else [],
        **_digest_context(story),
    }


def _story(pk: int) -> Story:
    return get_object_or_404(
        Story.objects.filter(hidden=False).select_related("first_article__source"), pk=pk
    )


@with_csrf
@public_page(max_age=30)
@condition(etag_func=_story_etag)
@page_cache(_story_page_etag, 60)
def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    story = _story(pk)
    if story.merged_into_id is not None:  # found to be part of another story: its coverage is there
        return redirect("web:story", pk=story.merged_into_id)
    return render(request, "web/story.html", story_context(story))


def answer_story_ask(story: Story, question: str) -> StoryAnswer:
    """The grounded answer from the story's original articles (copies only repeat them)."""
    originals = (
        Article.objects.filter(membership__story=story, duplicate_of__isnull=True)
        .select_related("source")
        .only("title", "content_text", "content_html", "summary", "source__name", "source__display")
        .order_by("published_at", "id")[:ASK_ARTICLES_MAX]
    )
    articles = [
        StoryArticle(a.pk, a.source.name or "Unnamed source", a.title, article_visible_text(a))
        for a in originals
    ]
    # The builder falls back to its built-in method itself when the gateway refuses or fails.
    names = article_names_find(article_ids=[a.article_id for a in articles])
    return answer_story_question(articles=articles, question=question, llm=llm_gateway(), names=names)


@require_POST
def story_ask(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer a reader's question about the story; with htmx only the answer is swapped."""
    story = _story(pk)
    ask, status = question_take(request, about="the story")
    if "error" not in ask:
        answer = answer_story_ask(story, ask["question"])
        ask.update(
            answer=answer,
            answer_html=answer_html(answer.answer, [True] * len(answer.citations)),
            extractive=answer.method == EXTRACTIVE_METHOD,
            model=answer.method.removeprefix("llm:"),
            outlets=len({c.source_name for c in answer.citations}),
        )
    if request.headers.get("HX-Request"):
        response = render(request, "web/_story_ask_answer.html", {"ask": ask, "story": story}, status=status)
    else:
        context = story_context(story)
        context["ask"] = ask
        response = render(request, "web/story.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return csrf_fill(request, response)


@require_GET
@never_cache
def story_digest(request: HttpRequest, pk: int) -> HttpResponse:
    """The digest part of the story page: a placeholder that asks again until the digest exists."""
    story = get_object_or_404(Story, pk=pk)
    try:
        tries = max(0, int(request.GET.get("try", "0")))
    except ValueError:
        tries = 0
    return render(request, "web/_digest.html", _digest_context(story, tries=tries))


@public_page(max_age=30)
@condition(etag_func=list_etag)
@page_cache(list_etag, 60)
def story_list(request: HttpRequest) -> HttpResponse:
    stories = Story.objects.listed().select_related("first_article__source")
    page = Paginator(stories, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/stories.html", {"page": page})


@public_page(max_age=60)
@condition(etag_func=list_etag)
@page_cache(list_etag, 120)
def blindspots(request: HttpRequest) -> HttpResponse:
    context = {"blindspots": blindspots_find(), "leans": lean_values()}
    return render(request, "web/blindspots.html", context)
