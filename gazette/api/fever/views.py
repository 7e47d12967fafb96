"""The one endpoint: signs the app in by api_key, applies a mark, then answers what it asked for.

Every answer is 200 JSON with api_version 3 and auth 0 or 1, as Miniflux answers: a wrong key, a key
tried too often from one address, or a malformed value is never an error page. Values that are not
what the protocol allows are ignored, the way Miniflux reads them as 0.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest, JsonResponse, QueryDict
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from gazette.accounts.api_password import fever_key_user
from gazette.accounts.reading import articles_mark_all_read, articles_mark_read, articles_mark_unread
from gazette.accounts.saved import saved_article_add, saved_article_remove
from gazette.api.fever.items import (
    ITEMS_PER_CALL,
    feeds_groups,
    feeds_json,
    groups_json,
    items_json,
    reader_articles,
    reader_sources,
    saved_item_ids,
    unread_item_ids,
)
from gazette.api.greader.ids import MAX_ITEM_ID
from gazette.articles.models import Article
from gazette.web.ratelimit import address_login_rate_check, address_login_rate_take

log = logging.getLogger(__name__)

API_VERSION = 3
_ID = re.compile(r"\d{1,19}", re.ASCII)
# Unix seconds up to the year 5138: enough for `before`, small enough for a datetime.
_SECONDS = re.compile(r"\d{1,11}", re.ASCII)


def _params(request: HttpRequest) -> QueryDict:
    """GET and POST together: apps put `api_key` and `mark` in the body, the rest in the query."""
    merged = request.GET.copy()
    for key, values in request.POST.lists():
        merged.setlist(key, merged.getlist(key) + values)
    return merged


def _id(raw: str) -> int | None:
    """A positive id that fits the database's 64 bits, else None."""
    raw = raw.strip()
    if not _ID.fullmatch(raw) or not 0 < int(raw) <= MAX_ITEM_ID:
        return None
    return int(raw)


def _before(raw: str) -> datetime | None:
    raw = raw.strip()
    return datetime.fromtimestamp(int(raw), tz=UTC) if _SECONDS.fullmatch(raw) else None


def _signed_in(request: HttpRequest, params: QueryDict) -> User | None:
    """The reader the api_key belongs to. Failed keys count with the address's failed logins, and
    past the limit no key is tried at all, so an address cannot guess keys one call after another."""
    key = params.get("api_key", "")
    if not key:
        return None
    if not address_login_rate_check(request):
        return None
    user = fever_key_user(key)
    if user is None:
        address_login_rate_take(request)
    return user


def _mark_item(user: User, params: QueryDict) -> None:
    pk = _id(params.get("id", ""))
    article = Article.objects.filter(pk=pk).only("pk").first() if pk else None
    if article is None:
        return
    action = params.get("as", "")
    if action == "read":
        articles_mark_read(user=user, article_ids=[article.pk])
    elif action == "unread":
        articles_mark_unread(user=user, article_ids=[article.pk])
    elif action == "saved":
        saved_article_add(user=user, article=article)
    elif action == "unsaved":
        saved_article_remove(user=user, article=article)


def _mark_sources(user: User, params: QueryDict, *, group: bool) -> None:
    """mark=feed or group, as=read, up to `before`: one watermark per source, only of sources followed.
    Group 0 is the protocol's "Kindling", every feed."""
    raw_id = params.get("id", "").strip()
    pk = 0 if group and raw_id == "0" else _id(raw_id)
    before = _before(params.get("before", ""))
    if pk is None or before is None or params.get("as", "") != "read":
        return
    sources = reader_sources(user=user)
    if group and pk:
        sources = sources.filter(categories=pk)
    elif not group:
        sources = sources.filter(pk=pk)
    articles_mark_all_read(user=user, sources=list(sources), before=before)


def _mark(user: User, params: QueryDict) -> None:
    kind = params.get("mark", "")
    if kind == "item":
        _mark_item(user, params)
    elif kind in ("feed", "group"):
        _mark_sources(user, params, group=kind == "group")


def _items(user: User, params: QueryDict) -> dict[str, Any]:
    """since_id: the next 50 after it, oldest first; max_id: the 50 before it, newest first (0 or none:
    the newest); with_ids: up to 50 named ones; nothing: the oldest 50."""
    articles = reader_articles(user=user)
    if "since_id" in params:
        articles = articles.filter(pk__gt=_id(params.get("since_id", "")) or 0).order_by("pk")
    elif "max_id" in params:
        max_id = _id(params.get("max_id", ""))
        articles = (articles.filter(pk__lt=max_id) if max_id else articles).order_by("-pk")
    elif "with_ids" in params:
        wanted = [_id(raw) for raw in params.get("with_ids", "").split(",")]
        named = list(dict.fromkeys(pk for pk in wanted if pk is not None))[:ITEMS_PER_CALL]
        articles = articles.filter(pk__in=named).order_by("pk")
    else:
        articles = articles.order_by("pk")
    ids = list(articles.values_list("pk", flat=True)[:ITEMS_PER_CALL])
    return {"items": items_json(user=user, ids=ids), "total_items": reader_articles(user=user).count()}


def _answer(user: User, params: QueryDict) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "api_version": API_VERSION,
        "auth": 1,
        # Now, as Miniflux says: apps send it back as `before`, and every stored article is older.
        "last_refreshed_on_time": int(timezone.now().timestamp()),
    }
    if "groups" in params:
        answer["groups"] = groups_json(user=user)
    if "feeds" in params:
        answer["feeds"] = feeds_json(user=user)
    if "groups" in params or "feeds" in params:
        answer["feeds_groups"] = feeds_groups(user=user)
    if "favicons" in params:
        answer["favicons"] = []
    if "items" in params:
        answer.update(_items(user, params))
    if "links" in params:
        answer["links"] = []
    if "unread_item_ids" in params:
        answer["unread_item_ids"] = unread_item_ids(user=user)
    if "saved_item_ids" in params:
        answer["saved_item_ids"] = saved_item_ids(user=user)
    return answer


# Exempt from CSRF because no cookie signs these requests in: each carries its api_key, which a page on
# another site cannot know, so a forged request from a reader's browser has no reader to act as.
@csrf_exempt
@never_cache
def fever(request: HttpRequest) -> JsonResponse:
    """/api/fever/?api: the protocol's single endpoint, for GET and POST alike."""
    params = _params(request)
    user = _signed_in(request, params)
    if user is None:
        return JsonResponse({"api_version": API_VERSION, "auth": 0})
    if "mark" in params:
        _mark(user, params)
    return JsonResponse(_answer(user, params))
