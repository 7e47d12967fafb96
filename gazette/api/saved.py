"""The reader's saved (starred) articles: list them, save and unsave one."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from gazette.accounts.saved import saved_article_add, saved_article_remove, saved_articles
from gazette.api.auth import READER_AUTH, reader
from gazette.api.caching import reader_private
from gazette.api.pagination import PageMeta, PageParams, page_meta
from gazette.api.params import Id
from gazette.api.schemas import CHANGES, INVALID, NOT_FOUND, SIGNED_IN, ArticleCard, article_card
from gazette.articles.models import Article

router = Router(tags=["saved"], auth=READER_AUTH)
router.add_decorator(reader_private, mode="view")


class SavedArticle(ArticleCard):
    saved: datetime


class SavedPage(PageMeta):
    items: list[SavedArticle]


def _out(request: HttpRequest, article: Article) -> SavedArticle:
    # saved_articles() annotates each article with when it was saved.
    return SavedArticle(**article_card(request, article).model_dump(), saved=article.saved_at)  # type: ignore[attr-defined]


@router.get(
    "/me/saved",
    response={200: SavedPage, **SIGNED_IN, **INVALID},
    summary="Your saved articles, last saved first",
)
def saved_list(request: HttpRequest, page: Query[PageParams]) -> dict:
    articles = saved_articles(user=reader(request))
    items = [_out(request, a) for a in articles[page.window()]]
    return {**page_meta(request, page, articles.count()), "items": items}


@router.put(
    "/me/saved/{pk}",
    response={200: SavedArticle, **CHANGES, **NOT_FOUND, **INVALID},
    summary="Save an article (saving it again keeps the first time)",
)
def saved_put(request: HttpRequest, pk: Id) -> SavedArticle:
    user = reader(request)
    saved_article_add(user=user, article=get_object_or_404(Article.objects.only("id"), pk=pk))
    return _out(request, saved_articles(user=user).get(pk=pk))


@router.delete(
    "/me/saved/{pk}",
    response={204: None, **CHANGES, **NOT_FOUND, **INVALID},
    summary="Unsave an article (a no-op when it is not saved)",
)
def saved_delete(request: HttpRequest, pk: Id) -> Status[None]:
    article = get_object_or_404(Article.objects.only("id"), pk=pk)
    saved_article_remove(user=reader(request), article=article)
    return Status(204, None)
