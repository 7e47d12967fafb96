"""The Saved page, and saving or unsaving an article."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gazette.accounts.saved import saved_article_add, saved_article_remove, saved_articles
from gazette.accounts.views.access import next_url, reader, signin_required
from gazette.articles.models import Article
from gazette.web.lists import PAGE_SIZE
from gazette.web.templatetags.gazette_web import article_url


@login_required
@never_cache
def saved(request: HttpRequest) -> HttpResponse:
    """The articles the reader saved, most recently saved first."""
    articles = saved_articles(user=reader(request))
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/saved.html", {"page": page})


def _article(pk: int) -> Article:
    return get_object_or_404(Article.objects.only("id", "title"), pk=pk)


def _article_page(*, pk: int) -> str:
    return article_url(_article(pk))


def _answer(request: HttpRequest, article: Article, *, saved: bool) -> HttpResponse:
    """With htmx the new button; else back to the page the button was on."""
    back = next_url(request, fallback=article_url(article))
    if request.headers.get("HX-Request"):
        context = {"article": article, "saved": saved, "signed_in": True, "next": back}
        context["compact"] = request.POST.get("compact") == "1"
        response = render(request, "accounts/_save_button.html", context)
        response["Cache-Control"] = "private, no-store"
        return response
    return redirect(back)


@require_POST
@signin_required(_article_page)
def save(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(pk)
    saved_article_add(user=reader(request), article=article)
    return _answer(request, article, saved=True)


@require_POST
@signin_required(_article_page)
def unsave(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(pk)
    saved_article_remove(user=reader(request), article=article)
    return _answer(request, article, saved=False)
