"""The endpoints: each reads the protocol's parameters, calls accounts and articles, shapes the answer."""

from __future__ import annotations

import logging
from typing import cast

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.utils import timezone

from gazette.accounts.api_password import api_password_check
from gazette.accounts.follows import follow_add, follow_remove
from gazette.accounts.labels import (
    LabelError,
    item_labels_add,
    item_labels_remove,
    label_delete,
    label_rename,
)
from gazette.accounts.models import Follow
from gazette.accounts.reading import (
    articles_mark_all_read,
    articles_mark_read,
    articles_mark_unread,
    unread_counts,
)
from gazette.accounts.saved import saved_article_add, saved_article_remove
from gazette.api.greader.auth import (
    auth_token_make,
    protocol_view,
    signed_in,
    text,
    unauthorized,
    write_token,
)
from gazette.api.greader.ids import (
    FEED_PREFIX,
    KEPT_UNREAD,
    LABEL_PREFIX,
    READ,
    READING_LIST,
    STARRED,
    ProtocolError,
    continuation_make,
    from_seconds,
    item_id_parse,
    stream_id_normal,
    usec,
)
from gazette.api.greader.items import item_json, item_refs, items_load
from gazette.api.greader.streams import (
    IDS_MAX,
    ITEMS_MAX,
    reader_labels,
    stream_filtered,
    stream_query,
    stream_source,
    stream_target,
    with_state,
)
from gazette.articles.models import Article
from gazette.sources.adding import SourceAddError, source_add
from gazette.sources.models import Source
from gazette.web.ratelimit import login_rate_check, login_rate_take

log = logging.getLogger(__name__)

# Many ids in one edit-tag or items/contents call are fine; past this it is not an app syncing.
IDS_PER_CALL = 1000


def _reader(request: HttpRequest) -> User:
    return cast(User, request.user)


def _params(request: HttpRequest) -> QueryDict:
    """GET and POST parameters together: apps send the same ones either way."""
    merged = request.GET.copy()
    for key, values in request.POST.lists():
        merged.setlist(key, merged.getlist(key) + values)
    return merged


@protocol_view
def client_login(request: HttpRequest) -> HttpResponse:
    """accounts/ClientLogin: Email and Passwd (the API password) → SID, LSID and Auth lines."""
    params = _params(request)
    login, raw = params.get("Email", ""), params.get("Passwd", "")
    if not login or not raw:
        return unauthorized()
    if not login_rate_check(request, username=login):
        return text("Error=BadAuthentication\nInfo=TooManyAttempts\n", status=429)
    user = api_password_check(login=login, raw=raw)
    if user is None:
        login_rate_take(request, username=login)
        return unauthorized()
    auth = auth_token_make(user=user, encoded_password=user.reading.api_password)
    return text(f"SID={auth}\nLSID=null\nAuth={auth}\n")


@signed_in()
def token(request: HttpRequest) -> HttpResponse:
    """reader/api/0/token: the T token for changes."""
    auth = request.headers["Authorization"].partition("auth=")[2]
    return text(write_token(auth) + "\n")


@signed_in()
def user_info(request: HttpRequest) -> JsonResponse:
    user = _reader(request)
    return JsonResponse(
        {
            "userId": str(user.pk),
            "userName": user.username,
            "userProfileId": str(user.pk),
            "userEmail": user.email,
        }
    )


def _subscription(source: Source, newest_usec: int | None) -> dict:
    categories = [{"id": f"{LABEL_PREFIX}{c.name}", "label": c.name} for c in source.categories.all()]
    answer = {
        "id": f"{FEED_PREFIX}{source.pk}",
        "title": str(source),
        "categories": categories,
        "url": source.feed_url,
        "htmlUrl": source.site_url,
        "iconUrl": source.icon_url,
        "sortid": f"{source.pk:08X}",
    }
    if newest_usec is not None:
        answer["firstitemmsec"] = str(newest_usec // 1000)
    return answer


@signed_in()
def subscription_list(request: HttpRequest) -> JsonResponse:
    """The reader's followed sources, with their categories as folders."""
    sources = (
        Source.objects.filter(pk__in=Follow.objects.filter(user=_reader(request)).values("source_id"))
        .prefetch_related("categories")
        .order_by("name", "id")
    )
    return JsonResponse({"subscriptions": [_subscription(s, None) for s in sources]})


def _may_add_sources(user: User) -> bool:
    return user.is_staff or settings.GAZETTE_READERS_ADD_SOURCES


def _source_for(user: User, stream_or_url: str) -> Source | None:
    """A known source for feed/… or a URL; a new one when the operator lets readers add sources."""
    raw = stream_id_normal(stream_or_url)
    url = raw[len(FEED_PREFIX) :] if raw.startswith(FEED_PREFIX) else raw
    if raw.startswith(FEED_PREFIX) and url.isdigit():
        return Source.objects.filter(pk=int(url)).first()
    known = Source.objects.filter(feed_url=url).first() or Source.objects.filter(site_url=url).first()
    if known is not None or not _may_add_sources(user):
        return known
    try:
        return source_add(url, options=None)
    except SourceAddError as error:
        log.info("greader: %s could not add %s: %s", user.pk, url[:200], error)
        return None


@signed_in(write=True, methods=("POST",))
def subscription_edit(request: HttpRequest) -> HttpResponse:
    """ac=subscribe / unsubscribe / edit for one or more s. Titles and folders are the operator's."""
    params = _params(request)
    action = params.get("ac", "")
    streams = params.getlist("s")
    if action not in ("subscribe", "unsubscribe", "edit") or not streams:
        raise ProtocolError("ac must be subscribe, unsubscribe or edit, with at least one s")
    user = _reader(request)
    for stream in streams:
        if action == "subscribe":
            source = _source_for(user, stream)
            if source is None:
                raise ProtocolError(f"no such feed, or new feeds are not open to readers: {stream[:120]}")
            follow_add(user=user, target=source)
        elif action == "unsubscribe":
            follow_remove(user=user, target=stream_source(stream))
        else:
            stream_source(stream)  # an unknown feed is still an error
    return text("OK")


@signed_in(write=True, methods=("POST",))
def subscription_quickadd(request: HttpRequest) -> JsonResponse:
    """quickadd=URL: follow a known source, or add it when the operator allows."""
    url = _params(request).get("quickadd", "").strip()
    if not url:
        raise ProtocolError("quickadd is required")
    user = _reader(request)
    source = _source_for(user, url)
    if source is None:
        return JsonResponse({"numResults": 0, "query": url, "error": "no such feed, or adding is closed"})
    follow_add(user=user, target=source)
    return JsonResponse(
        {"numResults": 1, "query": url, "streamId": f"{FEED_PREFIX}{source.pk}", "streamName": str(source)}
    )


@signed_in()
def tag_list(request: HttpRequest) -> JsonResponse:
    """States, then the reader's labels: categories as folders; followed topics and stories, and the
    labels they put on items, as tags."""
    labels = reader_labels(user=_reader(request))
    tags: list[dict] = [{"id": STARRED}, {"id": READ}, {"id": READING_LIST}, {"id": KEPT_UNREAD}]
    tags += [{"id": f"{LABEL_PREFIX}{name}", "type": "folder"} for name in labels.categories]
    tags += [
        {"id": f"{LABEL_PREFIX}{name}", "type": "tag"}
        for name in [*labels.topics, *labels.stories, *labels.own]
    ]
    return JsonResponse({"tags": tags})


@signed_in()
def unread_count(request: HttpRequest) -> JsonResponse:
    """Unread per followed source, per folder, and in all."""
    user = _reader(request)
    counts = unread_counts(user=user)
    labels = reader_labels(user=user)
    rows = [
        {
            "id": f"{FEED_PREFIX}{c.source_id}",
            "count": c.count,
            "newestItemTimestampUsec": str(usec(c.newest)),
        }
        for c in counts.values()
    ]
    folder_sources = Source.categories.through.objects.filter(
        category__in=labels.categories.values(), source_id__in=counts
    ).values_list("category_id", "source_id")
    by_category: dict[int, list[int]] = {}
    for category_id, source_id in folder_sources:
        by_category.setdefault(category_id, []).append(source_id)
    for name, category in labels.categories.items():
        members = [counts[s] for s in by_category.get(category.pk, [])]
        if members:
            rows.append(
                {
                    "id": f"{LABEL_PREFIX}{name}",
                    "count": sum(m.count for m in members),
                    "newestItemTimestampUsec": str(max(usec(m.newest) for m in members)),
                }
            )
    if counts:
        rows.append(
            {
                "id": READING_LIST,
                "count": sum(c.count for c in counts.values()),
                "newestItemTimestampUsec": str(max(usec(c.newest) for c in counts.values())),
            }
        )
    total = sum(c.count for c in counts.values())
    return JsonResponse({"max": total, "unreadcounts": rows})


def _stream_id(request: HttpRequest, stream: str) -> str:
    return stream or _params(request).get("s", "") or READING_LIST


@signed_in()
def stream_contents(request: HttpRequest, stream: str = "") -> JsonResponse:
    """A stream's items, newest first (r=o: oldest), n at a time with a continuation."""
    user = _reader(request)
    stream = _stream_id(request, stream)
    query = stream_query(_params(request), cap=ITEMS_MAX, from_seconds=from_seconds)
    target = stream_target(user=user, stream=stream)
    ordered = stream_filtered(user=user, articles=target.articles, query=query)
    # The page's ids first, from the narrow index; then only those rows in full (sorting full rows
    # with their text would spill to disk long before a million articles).
    rows = list(ordered.values_list("pk", "published_at")[: query.n + 1])
    ids = [pk for pk, _ in rows[: query.n]]
    found = {
        a.pk: a
        for a in items_load(with_state(Article.objects.filter(pk__in=ids).order_by(), user=user), user=user)
    }
    answer: dict = {
        "id": stream,
        "updated": int(timezone.now().timestamp()),
        "items": [item_json(found[pk]) for pk in ids if pk in found],
    }
    if len(rows) > query.n:
        pk, published = rows[query.n - 1]
        answer["continuation"] = continuation_make(published, pk)
    return JsonResponse(answer)


@signed_in()
def stream_items_ids(request: HttpRequest) -> JsonResponse:
    """Just the ids (short form) and times of a stream's items."""
    user = _reader(request)
    params = _params(request)
    query = stream_query(params, cap=IDS_MAX, from_seconds=from_seconds)
    target = stream_target(user=user, stream=_stream_id(request, ""))
    ordered = stream_filtered(user=user, articles=target.articles, query=query)
    rows = list(ordered.values_list("pk", "published_at")[: query.n + 1])
    answer: dict = {"itemRefs": item_refs(rows[: query.n])}
    if len(rows) > query.n:
        pk, published = rows[query.n - 1]
        answer["continuation"] = continuation_make(published, pk)
    return JsonResponse(answer)


def _item_ids(params: QueryDict) -> list[int]:
    raw = params.getlist("i")
    if not raw:
        raise ProtocolError("at least one i is required")
    if len(raw) > IDS_PER_CALL:
        raise ProtocolError(f"at most {IDS_PER_CALL} i per call")
    return list(dict.fromkeys(item_id_parse(value) for value in raw))


@signed_in(methods=("POST", "GET"))
def stream_items_contents(request: HttpRequest) -> JsonResponse:
    """The items named by the i parameters, in the order asked; unknown ids are left out."""
    user = _reader(request)
    ids = _item_ids(_params(request))
    found = {
        a.pk: a
        for a in items_load(with_state(Article.objects.filter(pk__in=ids).order_by(), user=user), user=user)
    }
    return JsonResponse(
        {
            "id": READING_LIST,
            "updated": int(timezone.now().timestamp()),
            "items": [item_json(found[pk]) for pk in ids if pk in found],
        }
    )


@signed_in(write=True, methods=("POST",))
def edit_tag(request: HttpRequest) -> HttpResponse:
    """a= adds, r= removes read, starred or the reader's own labels on the i items.

    A folder's label comes from the item's source, a topic's or story's from the site's data: those
    stay as they are, and only names the site does not give are stored as the reader's labels.
    """
    params = _params(request)
    ids = _item_ids(params)
    user = _reader(request)
    added = {stream_id_normal(s) for s in params.getlist("a")}
    removed = {stream_id_normal(s) for s in params.getlist("r")}
    if not added and not removed:
        raise ProtocolError("a or r is required")
    known = list(Article.objects.filter(pk__in=ids).values_list("pk", flat=True))
    # Labels first: a name that cannot be stored answers 400 before anything changed.
    _labels_edit(user=user, article_ids=known, added=added, removed=removed)
    if READ in added or KEPT_UNREAD in removed:
        articles_mark_read(user=user, article_ids=known)
    if READ in removed or KEPT_UNREAD in added:
        articles_mark_unread(user=user, article_ids=known)
    if STARRED in added or STARRED in removed:
        for article in Article.objects.filter(pk__in=known):
            if STARRED in added:
                saved_article_add(user=user, article=article)
            else:
                saved_article_remove(user=user, article=article)
    return text("OK")


def _labels_edit(*, user: User, article_ids: list[int], added: set[str], removed: set[str]) -> None:
    names_added = {s[len(LABEL_PREFIX) :] for s in added if s.startswith(LABEL_PREFIX)}
    names_removed = {s[len(LABEL_PREFIX) :] for s in removed if s.startswith(LABEL_PREFIX)}
    if not names_added and not names_removed:
        return
    labels = reader_labels(user=user)
    for name in sorted(names_added):
        if not labels.taken(name.strip()):
            try:
                item_labels_add(user=user, article_ids=article_ids, name=name)
            except LabelError as error:
                raise ProtocolError(str(error)) from None
    for name in names_removed:
        item_labels_remove(user=user, article_ids=article_ids, name=name)


def _own_label(request: HttpRequest, user: User) -> str:
    """The reader's label named by s (user/-/label/NAME) or t (NAME); folders and the site's labels are
    not the reader's to rename or delete."""
    params = _params(request)
    raw = stream_id_normal(params.get("s", "") or params.get("t", ""))
    name = raw[len(LABEL_PREFIX) :] if raw.startswith(LABEL_PREFIX) else raw
    if not name:
        raise ProtocolError("s or t is required")
    if name not in reader_labels(user=user).own:
        raise ProtocolError(f"not one of your labels: {name[:120]}")
    return name


@signed_in(write=True, methods=("POST",))
def rename_tag(request: HttpRequest) -> HttpResponse:
    """s or t, to dest: one of the reader's labels renamed (or merged into one they have)."""
    user = _reader(request)
    old = _own_label(request, user)
    dest = stream_id_normal(_params(request).get("dest", ""))
    new = dest[len(LABEL_PREFIX) :] if dest.startswith(LABEL_PREFIX) else dest
    if reader_labels(user=user).taken(new.strip()):
        raise ProtocolError(f"a folder's or the site's label: {new[:120]}")
    try:
        label_rename(user=user, old=old, new=new)
    except LabelError as error:
        raise ProtocolError(str(error)) from None
    return text("OK")


@signed_in(write=True, methods=("POST",))
def disable_tag(request: HttpRequest) -> HttpResponse:
    """s or t: one of the reader's labels taken off every item."""
    user = _reader(request)
    label_delete(user=user, name=_own_label(request, user))
    return text("OK")


@signed_in(write=True, methods=("POST",))
def mark_all_as_read(request: HttpRequest) -> HttpResponse:
    """s (a feed, folder, label or reading-list) read up to ts (default now)."""
    params = _params(request)
    user = _reader(request)
    stream = params.get("s", "")
    if not stream:
        raise ProtocolError("s is required")
    ts = params.get("ts", "")
    before = from_seconds(ts, "ts") if ts else None
    target = stream_target(user=user, stream=stream)
    if target.sources is not None:
        articles_mark_all_read(user=user, sources=list(target.sources), before=before)
    else:
        articles_mark_all_read(user=user, articles=target.articles, before=before)
    return text("OK")


@protocol_view
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return text("Error=NotFound\n", status=404)
