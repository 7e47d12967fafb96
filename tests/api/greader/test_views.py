"""Each endpoint over Django's test client, as a reader app calls it."""

from __future__ import annotations

from django.test import Client

from gazette.accounts.api_password import api_password_set
from gazette.accounts.models import ReadState, SavedArticle
from gazette.api.greader.ids import item_id_long
from tests.api.greader.conftest import API_PASSWORD, LOGIN_PASSWORD, App
from tests.sources.feedkit import rss

READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
READING_LIST = "user/-/state/com.google/reading-list"


def ids_of(response) -> list[int]:
    return [int(ref["id"]) for ref in response.json()["itemRefs"]]


def test_client_login_takes_the_api_password_not_the_login_password(library):
    client = Client()
    url = "/api/greader/accounts/ClientLogin"
    ok = client.post(url, {"Email": "rita", "Passwd": API_PASSWORD})
    assert ok.status_code == 200 and "Auth=" in ok.content.decode()
    for password in (LOGIN_PASSWORD, "wrong", ""):
        refused = client.post(url, {"Email": "rita", "Passwd": password})
        assert refused.status_code == 401
        assert refused.content.decode().startswith("Error=BadAuthentication")
    assert client.post(url, {"Email": "nobody", "Passwd": API_PASSWORD}).status_code == 401


def test_a_reader_without_an_api_password_cannot_sign_in(library, django_user_model):
    django_user_model.objects.create_user("nora", password=API_PASSWORD)
    response = Client().post("/api/greader/accounts/ClientLogin", {"Email": "nora", "Passwd": API_PASSWORD})
    assert response.status_code == 401


def test_a_new_api_password_signs_apps_out(app, library):
    assert app.get("user-info").status_code == 200
    api_password_set(user=library.reader, raw="a-brand-new-app-password")
    assert app.get("user-info").status_code == 401


def test_every_endpoint_wants_the_auth_header(library):
    client = Client()
    for endpoint in (
        "token",
        "user-info",
        "tag/list",
        "subscription/list",
        "unread-count",
        "stream/items/ids",
    ):
        response = client.get(f"/api/greader/reader/api/0/{endpoint}")
        assert response.status_code == 401, endpoint
        assert "BadAuthentication" in response.content.decode()
    forged = {"Authorization": "GoogleLogin auth=1.abc:forged"}
    assert client.get("/api/greader/reader/api/0/user-info", headers=forged).status_code == 401


def test_user_info(app, library):
    info = app.get("user-info").json()
    assert info["userName"] == "rita" and info["userId"] == str(library.reader.pk)


def test_subscription_list_has_followed_sources_with_their_categories(app, library):
    subs = {s["title"]: s for s in app.get("subscription/list", {"output": "json"}).json()["subscriptions"]}
    assert set(subs) == {"Meridian Wire", "The Harbor Ledger", "Pinewood Herald"}
    ledger = subs["The Harbor Ledger"]
    assert ledger["id"] == f"feed/{library.ledger.pk}" and ledger["url"] == library.ledger.feed_url
    assert {c["label"] for c in ledger["categories"]} == {"World", "Business"}


def test_tag_list_has_states_folders_and_the_followed_story(app):
    tags = {t["id"]: t.get("type") for t in app.get("tag/list").json()["tags"]}
    assert STARRED in tags
    assert tags["user/-/label/World"] == "folder" and tags["user/-/label/Business"] == "folder"
    assert tags["user/-/label/Story: Harbour reports"] == "tag"


def test_unread_count_per_feed_folder_and_in_all(app, library):
    counts = {row["id"]: row["count"] for row in app.get("unread-count").json()["unreadcounts"]}
    assert counts[READING_LIST] == 12
    assert counts[f"feed/{library.wire.pk}"] == 4
    assert counts["user/-/label/World"] == 8
    assert f"feed/{library.unfollowed.pk}" not in counts


def test_stream_contents_items_carry_text_link_source_and_extras(app, library):
    body = app.get(f"stream/contents/{READING_LIST}", {"n": 3}).json()
    first = body["items"][0]
    newest = library.articles[0]
    assert first["id"] == item_id_long(newest.pk)
    assert first["title"] == newest.title
    assert first["alternate"][0]["href"] == newest.url
    assert first["origin"]["streamId"] == f"feed/{newest.source_id}"
    assert "Full text of harbour report 0" in first["content"]["content"]
    assert "An AI summary of report zero." in first["summary"]["content"]
    assert "user/-/label/Story: Harbour reports" in first["categories"]
    assert READ not in first["categories"]
    assert first["author"] == "Lucía Ferrer"
    assert len(body["items"]) == 3 and "continuation" in body


def test_an_excerpt_only_source_keeps_its_excerpt(app, library):
    items = app.get(f"stream/contents/feed/{library.herald.pk}").json()["items"]
    assert items and all("Teaser of report" in i["content"]["content"] for i in items)
    assert not any("Full text" in i["content"]["content"] for i in items)


def test_continuation_walks_every_item_once(app, library):
    seen, continuation = [], ""
    while True:
        params = {"s": READING_LIST, "n": 5, **({"c": continuation} if continuation else {})}
        page = app.get("stream/items/ids", params).json()
        seen += [int(ref["id"]) for ref in page["itemRefs"]]
        continuation = page.get("continuation", "")
        if not continuation:
            break
    assert seen == [a.pk for a in library.articles]


def test_oldest_first_and_time_bounds(app, library):
    oldest = ids_of(app.get("stream/items/ids", {"s": READING_LIST, "n": 100, "r": "o"}))
    assert oldest == [a.pk for a in reversed(library.articles)]
    middle = library.articles[5].published_at
    newer = ids_of(app.get("stream/items/ids", {"s": READING_LIST, "n": 100, "ot": int(middle.timestamp())}))
    assert set(newer) == {
        a.pk for a in library.articles if a.published_at.timestamp() >= int(middle.timestamp())
    }
    older = ids_of(app.get("stream/items/ids", {"s": READING_LIST, "n": 100, "nt": int(middle.timestamp())}))
    assert set(older).isdisjoint(newer)


def test_edit_tag_marks_read_and_starred_and_xt_it_filter_them(app, library):
    first, second = library.articles[0], library.articles[1]
    assert app.post("edit-tag", {"i": [item_id_long(first.pk), str(second.pk)], "a": READ}).content == b"OK"
    unread = ids_of(app.get("stream/items/ids", {"s": READING_LIST, "n": 100, "xt": READ}))
    assert first.pk not in unread and second.pk not in unread and len(unread) == 10
    read = ids_of(app.get("stream/items/ids", {"s": READING_LIST, "n": 100, "it": READ}))
    assert set(read) == {first.pk, second.pk}
    app.post("edit-tag", {"i": str(second.pk), "r": READ})
    assert second.pk in ids_of(app.get("stream/items/ids", {"s": READING_LIST, "n": 100, "xt": READ}))

    app.post("edit-tag", {"i": item_id_long(first.pk), "a": STARRED})
    assert SavedArticle.objects.filter(user=library.reader, article=first).exists()
    assert ids_of(app.get("stream/items/ids", {"s": STARRED})) == [first.pk]
    item = app.post("stream/items/contents", {"i": str(first.pk)}).json()["items"][0]
    assert STARRED in item["categories"] and READ in item["categories"]
    app.post("edit-tag", {"i": item_id_long(first.pk), "r": STARRED})
    assert ids_of(app.get("stream/items/ids", {"s": STARRED})) == []


def test_stream_items_contents_returns_the_asked_items_in_order(app, library):
    wanted = [library.articles[3].pk, library.articles[1].pk]
    response = app.post("stream/items/contents", {"i": [item_id_long(wanted[0]), str(wanted[1]), "999999"]})
    assert [int(i["id"].rsplit("/", 1)[1], 16) for i in response.json()["items"]] == wanted


def test_mark_all_as_read_a_feed_up_to_ts(app, library):
    wire = [a for a in library.articles if a.source_id == library.wire.pk]
    ts = int(wire[1].published_at.timestamp() * 1_000_000)
    assert app.post("mark-all-as-read", {"s": f"feed/{library.wire.pk}", "ts": ts}).content == b"OK"
    counts = {row["id"]: row["count"] for row in app.get("unread-count").json()["unreadcounts"]}
    assert counts[f"feed/{library.wire.pk}"] == 1  # only the newest, published after ts
    assert counts[READING_LIST] == 9


def test_mark_all_as_read_a_folder_a_story_and_everything(app, library):
    app.post("mark-all-as-read", {"s": "user/-/label/Business"})
    counts = {row["id"]: row["count"] for row in app.get("unread-count").json()["unreadcounts"]}
    assert f"feed/{library.ledger.pk}" not in counts and counts[f"feed/{library.wire.pk}"] == 4
    app.post("mark-all-as-read", {"s": "user/-/label/Story: Harbour reports"})
    unread = ids_of(app.get("stream/items/ids", {"s": READING_LIST, "n": 100, "xt": READ}))
    assert library.articles[0].pk not in unread
    app.post("mark-all-as-read", {"s": READING_LIST})
    assert app.get("unread-count").json()["max"] == 0


def test_kept_unread_below_the_watermark_counts_as_unread(app, library):
    app.post("mark-all-as-read", {"s": READING_LIST})
    app.post("edit-tag", {"i": str(library.articles[4].pk), "r": READ})
    assert app.get("unread-count").json()["max"] == 1
    assert ReadState.objects.filter(user=library.reader, is_read=False).count() == 1
    app.post("mark-all-as-read", {"s": READING_LIST})
    assert app.get("unread-count").json()["max"] == 0
    assert not ReadState.objects.filter(user=library.reader).exists()


def test_writes_need_the_t_token(app, library):
    pk = str(library.articles[0].pk)
    for token in ({"T": "not-the-token"}, {}):
        response = app.post("edit-tag", {"i": pk, "a": READ, **token}, token=False)
        assert response.status_code == 401 and response["X-Reader-Google-Bad-Token"] == "true"
    assert not ReadState.objects.exists()
    assert app.get("edit-tag", {"i": pk, "a": READ, "T": app.token}).status_code == 405


def test_bad_input_answers_400_and_changes_nothing(app, library):
    cases = [
        ("get", "stream/items/ids", {"s": READING_LIST, "c": "garbage"}),
        ("get", "stream/items/ids", {"s": READING_LIST, "n": "many"}),
        ("get", "stream/items/ids", {"s": READING_LIST, "n": "0"}),
        ("get", "stream/items/ids", {"s": READING_LIST, "xt": "user/-/state/com.google/broadcast"}),
        ("get", "stream/contents/feed/987654", {}),
        ("get", "stream/contents/user/-/label/No such label", {}),
        ("get", "stream/items/ids", {"s": READING_LIST, "ot": "yesterday"}),
        ("post", "stream/items/contents", {}),
        ("post", "stream/items/contents", {"i": "tag:google.com,2005:reader/item/xyz"}),
        ("post", "edit-tag", {"i": "not-an-id", "a": READ}),
        ("post", "edit-tag", {"i": str(library.articles[0].pk)}),
        ("post", "mark-all-as-read", {}),
        ("post", "mark-all-as-read", {"s": "feed/987654"}),
        ("post", "mark-all-as-read", {"s": READING_LIST, "ts": "later"}),
        ("post", "subscription/edit", {"ac": "explode", "s": "feed/1"}),
    ]
    for method, endpoint, params in cases:
        response = getattr(app, method)(endpoint, params)
        assert response.status_code == 400, (endpoint, params, response.content)
        assert response.content.startswith(b"Error=")
    assert not ReadState.objects.exists()
    assert app.get("unread-count").json()["max"] == 12


def test_unknown_item_ids_are_skipped(app, library):
    assert app.post("edit-tag", {"i": "999999", "a": READ}).content == b"OK"
    assert app.post("stream/items/contents", {"i": "999999"}).json()["items"] == []
    assert not ReadState.objects.exists()


def test_huge_n_is_capped(app, library):
    response = app.get(f"stream/contents/{READING_LIST}", {"n": str(10**12)})
    assert response.status_code == 200 and len(response.json()["items"]) == 12


def test_one_reader_never_sees_or_changes_another_readers_state(app, other_app, library):
    pk = str(library.articles[0].pk)
    app.post("edit-tag", {"i": pk, "a": READ})
    app.post("edit-tag", {"i": pk, "a": STARRED})
    app.post("mark-all-as-read", {"s": f"feed/{library.ledger.pk}"})
    assert other_app.get("unread-count").json()["max"] == 12
    assert other_app.get("stream/items/ids", {"s": STARRED}).json()["itemRefs"] == []
    item = other_app.post("stream/items/contents", {"i": pk}).json()["items"][0]
    assert READ not in item["categories"] and STARRED not in item["categories"]
    # The other reader's T token is not this reader's.
    stolen = other_app.post("edit-tag", {"i": pk, "r": READ, "T": app.token}, token=False)
    assert stolen.status_code == 401
    assert other_app.get("tag/list").json()["tags"] and "Story: Harbour reports" not in str(
        other_app.get("tag/list").json()
    )


def test_subscription_edit_and_quickadd_follow_known_sources(app, library):
    response = app.post("subscription/edit", {"ac": "subscribe", "s": f"feed/{library.unfollowed.feed_url}"})
    assert response.content == b"OK"
    titles = {s["title"] for s in app.get("subscription/list").json()["subscriptions"]}
    assert "Elsewhere Daily" in titles
    app.post("subscription/edit", {"ac": "unsubscribe", "s": f"feed/{library.unfollowed.pk}"})
    assert "Elsewhere Daily" not in {s["title"] for s in app.get("subscription/list").json()["subscriptions"]}
    added = app.post("subscription/quickadd", {"quickadd": library.unfollowed.feed_url}).json()
    assert added["numResults"] == 1 and added["streamId"] == f"feed/{library.unfollowed.pk}"


def test_new_feeds_are_closed_to_readers_by_default(app, library, settings):
    settings.GAZETTE_READERS_ADD_SOURCES = False
    added = app.post("subscription/quickadd", {"quickadd": "https://new.example/feed.xml"}).json()
    assert added["numResults"] == 0
    response = app.post("subscription/edit", {"ac": "subscribe", "s": "feed/https://new.example/feed.xml"})
    assert response.status_code == 400


def test_unknown_paths_answer_404(app):
    assert app.get("preference/stream/list").status_code == 404


def test_app_login_with_the_email_address(other_app):
    assert other_app.get("user-info").json()["userName"] == "otto"


def test_the_app_class_signs_in_with_the_api_password(library):
    assert App("rita", API_PASSWORD).token


def test_failed_sign_ins_are_limited_like_the_sites_login(library, settings):
    settings.GAZETTE_LOGIN_FAILURES_PER_HOUR = 2
    client, url = Client(), "/api/greader/accounts/ClientLogin"
    for _ in range(2):
        assert client.post(url, {"Email": "rita", "Passwd": "guess"}).status_code == 401
    assert client.post(url, {"Email": "rita", "Passwd": API_PASSWORD}).status_code == 429


def test_with_the_policy_on_a_reader_app_adds_and_follows_a_new_feed(
    app, library, settings, http_server, ingest_settings
):
    settings.GAZETTE_READERS_ADD_SOURCES = True
    feed = rss(
        [{"guid": "n1", "link": "http://example.test/n1", "title": "New item", "summary": "Hello"}],
        title="Brand New Feed",
    )
    http_server.route("/new.xml", body=feed.encode(), headers={"Content-Type": "application/rss+xml"})
    added = app.post("subscription/quickadd", {"quickadd": http_server.url("/new.xml")}).json()
    assert added["numResults"] == 1 and added["streamName"] == "Brand New Feed"
    titles = {s["title"] for s in app.get("subscription/list").json()["subscriptions"]}
    assert "Brand New Feed" in titles
