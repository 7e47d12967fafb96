"""A Fever app's session against the live server on 127.0.0.1, over real HTTP, in the order Reeder
classic, Unread and Fiery Feeds make their calls: sign in, groups, feeds, favicons, the unread and
saved ids, the items (new ones by since_id, then those ids by with_ids), marks, and a sync again."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest

from gazette.accounts.models import ReadState, ReadWatermark, SavedArticle
from tests.api.fever.conftest import API_PASSWORD, OTHER_API_PASSWORD

pytestmark = pytest.mark.slow


class LiveFever:
    """What the apps send: a POST to /api/fever/?api&…, api_key (and marks) in the form body."""

    def __init__(self, base: str, username: str, password: str):
        self.url = f"{base}/api/fever/"
        self.key = hashlib.md5(f"{username}:{password}".encode()).hexdigest()
        self.http = httpx.Client(timeout=20)

    def call(self, query: str = "", **data: str) -> dict[str, Any]:
        response = self.http.post(
            f"{self.url}?api{'&' if query else ''}{query}", data={"api_key": self.key, **data}
        )
        assert response.status_code == 200, response.text[:500]
        assert response.headers["content-type"] == "application/json"
        answer = response.json()
        assert answer["api_version"] == 3
        return answer


def ids(csv: str) -> list[int]:
    return [int(value) for value in csv.split(",")] if csv else []


def test_a_fever_app_session(live_server, library):
    assert LiveFever(live_server.url, "rita", "the-login-password-is-not-it").call() == {
        "api_version": 3,
        "auth": 0,
    }
    app = LiveFever(live_server.url, "rita", API_PASSWORD)
    hello = app.call()
    assert hello["auth"] == 1
    refreshed = hello["last_refreshed_on_time"]

    groups = app.call("groups")
    titles = {g["id"]: g["title"] for g in groups["groups"]}
    assert set(titles.values()) == {"World", "Business"}
    feeds = app.call("feeds")
    assert {f["id"] for f in feeds["feeds"]} == {library.wire.pk, library.ledger.pk, library.herald.pk}
    grouped = {pk for g in feeds["feeds_groups"] for pk in ids(g["feed_ids"])}
    assert grouped == {library.wire.pk, library.ledger.pk}  # the Herald has no category
    assert app.call("favicons")["favicons"] == []

    unread = ids(app.call("unread_item_ids")["unread_item_ids"])
    assert unread == sorted(a.pk for a in library.articles)
    assert app.call("saved_item_ids")["saved_item_ids"] == ""

    # New items since the last one the app has (none yet), 50 at a time until a page is empty.
    cached: dict[int, dict] = {}
    since = 0
    while page := app.call("items", since_id=str(since))["items"]:
        cached.update((item["id"], item) for item in page)
        since = max(item["id"] for item in page)
    assert set(cached) == set(unread)
    # Then the unread ones by id, as Unread fetches what it lacks.
    chunk = app.call("items", with_ids=",".join(str(pk) for pk in unread[:4]))
    assert [i["id"] for i in chunk["items"]] == unread[:4] and chunk["total_items"] == 12
    assert all(i["html"] and i["is_read"] == 0 for i in chunk["items"])

    # Reading one, saving another, keeping a third unread after reading it.
    app.call(mark="item", id=str(unread[0]), **{"as": "read"})
    app.call(mark="item", id=str(unread[1]), **{"as": "saved"})
    app.call(mark="item", id=str(unread[3]), **{"as": "read"})
    app.call(mark="item", id=str(unread[3]), **{"as": "unread"})
    assert ids(app.call("saved_item_ids")["saved_item_ids"]) == [unread[1]]
    now_unread = ids(app.call("unread_item_ids")["unread_item_ids"])
    assert unread[0] not in now_unread and unread[3] in now_unread and len(now_unread) == 11

    # A feed, then a group, read up to the time of the last refresh the app saw.
    app.call(mark="feed", id=str(library.herald.pk), before=str(refreshed), **{"as": "read"})
    business = next(pk for pk, title in titles.items() if title == "Business")
    app.call(mark="group", id=str(business), before=str(refreshed), **{"as": "read"})
    left = ids(app.call("unread_item_ids")["unread_item_ids"])
    assert set(left) == {a.pk for a in library.articles if a.source_id == library.wire.pk} - {unread[0]}
    synced = app.call("items", with_ids=",".join(str(pk) for pk in unread[:4]))["items"]
    # The wire's, read; the ledger's, saved and read with its group; the Herald's; the kept-unread one.
    assert [(i["is_read"], i["is_saved"]) for i in synced] == [(1, 0), (1, 1), (1, 0), (0, 0)]

    # Bad input: auth 0 or ignored, never a server error, nothing changed.
    marks = ReadState.objects.count(), ReadWatermark.objects.count(), SavedArticle.objects.count()
    assert app.call(mark="item", id="not-a-number", **{"as": "read"})["auth"] == 1
    assert app.call(mark="feed", id=str(library.wire.pk), before="soon", **{"as": "read"})["auth"] == 1
    assert app.call("items", with_ids="1,two,%")["auth"] == 1
    # An id past 64 bits is ignored, as Miniflux reads it as 0: the first page again.
    assert app.call("items", since_id="9" * 40)["items"] == app.call("items", since_id="0")["items"]
    forged = LiveFever(live_server.url, "rita", "guess")
    assert forged.call(mark="item", id=str(unread[5]), **{"as": "read"}) == {"api_version": 3, "auth": 0}
    assert (ReadState.objects.count(), ReadWatermark.objects.count(), SavedArticle.objects.count()) == marks

    # Another reader's app sees none of it.
    other = LiveFever(live_server.url, "otto", OTHER_API_PASSWORD)
    assert ids(other.call("unread_item_ids")["unread_item_ids"]) == unread
    assert other.call("saved_item_ids")["saved_item_ids"] == ""
    assert not SavedArticle.objects.filter(user=library.other).exists()
