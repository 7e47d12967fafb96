"""The Fever endpoint over Django's test client: signing in, each read, each mark, bad input, isolation."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from gazette.accounts.api_password import api_password_clear, api_password_set
from gazette.accounts.follows import follow_remove
from gazette.accounts.models import ReaderSettings, ReadState, ReadWatermark, SavedArticle
from gazette.accounts.saved import saved_article_add
from tests.api.fever.conftest import API_PASSWORD, FeverApp, fever_key
from tests.api.greader.conftest import LOGIN_PASSWORD
from tests.web.factories import make_article


def ids(csv: str) -> list[int]:
    return [int(value) for value in csv.split(",")] if csv else []


def test_the_api_key_is_md5_of_username_and_api_password(fever):
    answer = fever.call()
    assert answer["api_version"] == 3 and answer["auth"] == 1
    assert abs(answer["last_refreshed_on_time"] - time.time()) < 3600


@pytest.mark.parametrize(
    "key",
    [
        fever_key("rita", LOGIN_PASSWORD),  # the login password never signs an app in
        fever_key("rita@example.org", API_PASSWORD),
        fever_key("rita", API_PASSWORD).upper()[:31],
        "",
        "z" * 32,
        "٣" * 32,  # digits, but not ASCII ones
        "a" * 10_000,
        "' OR 1=1 --",
    ],
)
def test_a_wrong_key_is_auth_0_and_nothing_else(library, key):
    answer = FeverApp(key).call("groups&feeds&items&unread_item_ids&saved_item_ids")
    assert answer == {"api_version": 3, "auth": 0}


def test_the_key_is_accepted_in_either_case_and_by_get_without_the_slash(library):
    key = fever_key("rita", API_PASSWORD)
    assert FeverApp(key.upper()).call()["auth"] == 1
    response = Client().get("/api/fever", {"api": "", "api_key": key, "groups": ""})
    assert response.status_code == 200 and response.json()["auth"] == 1 and "groups" in response.json()
    assert "no-store" in response["Cache-Control"]  # a reader's own state, never kept by a proxy


def test_only_a_keyed_digest_of_the_key_is_stored(library):
    stored = ReaderSettings.objects.get(user=library.reader).fever_key
    assert len(stored) == 64 and stored != fever_key("rita", API_PASSWORD)
    assert fever_key("rita", API_PASSWORD) not in stored


def test_the_key_follows_the_api_password_and_the_account(fever, library):
    api_password_set(user=library.reader, raw="a-brand-new-app-password")
    assert fever.call()["auth"] == 0
    assert FeverApp(fever_key("rita", "a-brand-new-app-password")).call()["auth"] == 1
    api_password_clear(user=library.reader)
    assert FeverApp(fever_key("rita", "a-brand-new-app-password")).call()["auth"] == 0
    api_password_set(user=library.reader, raw=API_PASSWORD)
    assert fever.call()["auth"] == 1
    User.objects.filter(pk=library.reader.pk).update(is_active=False)
    assert fever.call()["auth"] == 0


def test_a_key_made_under_a_retired_secret_key_signs_in_while_it_is_a_fallback(fever, settings):
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-for-this-site-" + "x" * 30
    assert fever.call()["auth"] == 0
    settings.SECRET_KEY_FALLBACKS = [old]
    assert fever.call()["auth"] == 1


def test_failed_keys_are_limited_per_address_with_failed_logins(fever, settings):
    settings.GAZETTE_LOGIN_FAILURES_PER_HOUR = 3
    wrong = FeverApp(fever_key("rita", "guess"))
    for _ in range(3):
        assert wrong.call()["auth"] == 0
    # Past the limit even the right key is refused from that address, and so is the login form.
    assert fever.call()["auth"] == 0
    login = Client().post("/accounts/login/", {"username": "otto", "password": LOGIN_PASSWORD})
    assert login.status_code != 302


def test_right_keys_are_not_counted(fever, settings):
    settings.GAZETTE_LOGIN_FAILURES_PER_HOUR = 2
    for _ in range(5):
        assert fever.call()["auth"] == 1


def test_posts_need_no_csrf_token(library):
    client = Client(enforce_csrf_checks=True)
    app = FeverApp(fever_key("rita", API_PASSWORD), client=client)
    article = library.articles[0]
    assert app.call(mark="item", **{"as": "saved"}, id=str(article.pk))["auth"] == 1
    assert SavedArticle.objects.filter(user=library.reader, article=article).exists()


def test_groups_are_the_followed_sources_categories(fever, library):
    answer = fever.call("groups")
    groups = {g["title"]: g["id"] for g in answer["groups"]}
    assert set(groups) == {"World", "Business"}
    members = {g["group_id"]: set(ids(g["feed_ids"])) for g in answer["feeds_groups"]}
    assert members == {
        groups["World"]: {library.wire.pk, library.ledger.pk},
        groups["Business"]: {library.ledger.pk},
    }
    assert "feeds" not in answer and "items" not in answer


def test_feeds_are_the_followed_sources(fever, library):
    answer = fever.call("feeds")
    feeds = {f["id"]: f for f in answer["feeds"]}
    assert set(feeds) == {library.wire.pk, library.ledger.pk, library.herald.pk}
    wire = feeds[library.wire.pk]
    assert wire["title"] == "Meridian Wire" and wire["url"] == library.wire.feed_url
    assert wire["is_spark"] == 0 and isinstance(wire["last_updated_on_time"], int)
    assert "feeds_groups" in answer
    assert fever.call("favicons")["favicons"] == [] and fever.call("links")["links"] == []


def test_items_since_id_page_through_everything_oldest_id_first(fever, library):
    seen: list[int] = []
    since = 0
    while True:
        answer = fever.call("items", since_id=str(since))
        page = [item["id"] for item in answer["items"]]
        if not page:
            break
        assert answer["total_items"] == 12
        seen += page
        since = page[-1]
    assert seen == sorted(a.pk for a in library.articles)


def test_items_page_size_is_50(fever, library):
    for n in range(55):
        saved_article_add(user=library.reader, article=_extra(library, n))
    answer = fever.call("items")
    assert len(answer["items"]) == 50 and answer["total_items"] == 12 + 55
    assert [i["id"] for i in answer["items"]] == sorted(i["id"] for i in answer["items"])


def _extra(library, n):
    return make_article(library.unfollowed, title=f"Saved elsewhere {n}", ago=timedelta(hours=n))


def test_items_max_id_goes_back_newest_id_first(fever, library):
    pks = sorted(a.pk for a in library.articles)
    newest = fever.call("items", max_id="0")["items"]
    assert [i["id"] for i in newest] == pks[::-1]
    before = fever.call("items", max_id=str(pks[5]))["items"]
    assert [i["id"] for i in before] == pks[:5][::-1]


def test_items_with_ids_gives_those_of_the_readers_items(fever, library):
    wanted = [library.articles[3].pk, library.articles[0].pk, library.lone.pk]
    raw = ",".join(str(pk) for pk in wanted) + ",abc,-4,,99999999999999999999999, 7.5"
    found = fever.call("items", with_ids=raw)["items"]
    # The unfollowed source's article is not the reader's item until they save it.
    assert [i["id"] for i in found] == sorted(wanted[:2])
    saved_article_add(user=library.reader, article=library.lone)
    found = fever.call("items", with_ids=raw)["items"]
    assert {i["id"] for i in found} == set(wanted)
    assert next(i for i in found if i["id"] == library.lone.pk)["is_saved"] == 1


def test_with_ids_answers_at_most_50(fever, library):
    for n in range(60):
        saved_article_add(user=library.reader, article=_extra(library, n))
    every = ",".join(str(pk) for pk in SavedArticle.objects.values_list("article_id", flat=True))
    assert len(fever.call("items", with_ids=every)["items"]) == 50


def test_an_item_carries_the_text_the_state_and_the_time(fever, library):
    first = library.articles[0]
    item = fever.call("items", with_ids=str(first.pk))["items"][0]
    assert item["feed_id"] == library.wire.pk and item["title"] == first.title
    assert item["author"] == "Lucía Ferrer" and item["url"] == first.url
    assert "An AI summary of report zero." in item["html"] and "Full text of harbour report 0" in item["html"]
    assert item["is_read"] == 0 and item["is_saved"] == 0
    assert item["created_on_time"] == int(first.published_at.timestamp())
    # An excerpt-only source gives its teaser, as the article page does.
    herald = library.articles[2]
    teaser = fever.call("items", with_ids=str(herald.pk))["items"][0]["html"]
    assert "Teaser of report 2" in teaser and "Full text" not in teaser


def test_unread_and_saved_ids(fever, library):
    answer = fever.call("unread_item_ids&saved_item_ids")
    assert ids(answer["unread_item_ids"]) == sorted(a.pk for a in library.articles)
    assert answer["saved_item_ids"] == ""


def test_mark_item_read_unread_saved_unsaved(fever, library):
    pk = library.articles[4].pk
    fever.call(mark="item", id=str(pk), **{"as": "read"})
    assert pk not in ids(fever.call("unread_item_ids")["unread_item_ids"])
    assert fever.call("items", with_ids=str(pk))["items"][0]["is_read"] == 1
    fever.call(mark="item", id=str(pk), **{"as": "unread"})
    assert pk in ids(fever.call("unread_item_ids")["unread_item_ids"])
    fever.call(mark="item", id=str(pk), **{"as": "saved"})
    fever.call(mark="item", id=str(pk), **{"as": "saved"})  # idempotent, not a toggle
    assert ids(fever.call("saved_item_ids")["saved_item_ids"]) == [pk]
    fever.call(mark="item", id=str(pk), **{"as": "unsaved"})
    assert fever.call("saved_item_ids")["saved_item_ids"] == ""


@pytest.mark.parametrize(
    "data",
    [
        {"mark": "item", "as": "read", "id": "99999999"},
        {"mark": "item", "as": "read", "id": "99999999999999999999999"},
        {"mark": "item", "as": "read", "id": "-1"},
        {"mark": "item", "as": "read", "id": "one"},
        {"mark": "item", "as": "read"},
        {"mark": "item", "as": "delete", "id": "1"},
        {"mark": "feed", "as": "read", "id": "x", "before": "1"},
        {"mark": "feed", "as": "read", "id": "1", "before": "yesterday"},
        {"mark": "feed", "as": "read", "id": "1", "before": "9" * 40},
        {"mark": "feed", "as": "unread", "id": "1", "before": "2000000000"},
        {"mark": "group", "as": "read", "id": "-1", "before": "2000000000"},
        {"mark": "group", "as": "read", "id": "0"},
        {"mark": "everything", "as": "read"},
        {"since_id": "banana", "max_id": "-3"},
    ],
)
def test_malformed_marks_are_ignored(fever, library, data):
    answer = fever.call("items", **data)
    assert answer["auth"] == 1 and answer["api_version"] == 3
    assert not ReadState.objects.exists() and not ReadWatermark.objects.exists()
    assert not SavedArticle.objects.exists()


def test_malformed_numbers_in_the_query_are_ignored(fever, library):
    for query in (
        "items&since_id=%FF",
        "items&max_id=1e9",
        "items&with_ids=,,,",
        "items&since_id=" + "9" * 30,
    ):
        answer = fever.call(query)
        assert answer["auth"] == 1 and isinstance(answer["items"], list)


def test_mark_feed_read_before_a_time(fever, library):
    wire = [a for a in library.articles if a.source_id == library.wire.pk]
    # Before the newest wire article: it stays unread, the older ones are read.
    before = int(wire[0].published_at.timestamp()) - 1
    fever.call(mark="feed", id=str(library.wire.pk), before=str(before), **{"as": "read"})
    unread = ids(fever.call("unread_item_ids")["unread_item_ids"])
    assert wire[0].pk in unread and not {a.pk for a in wire[1:]} & set(unread)
    assert len(unread) == 12 - 3


def test_mark_feed_read_only_of_a_followed_source(fever, library):
    fever.call(mark="feed", id=str(library.unfollowed.pk), before=str(int(time.time())), **{"as": "read"})
    assert not ReadWatermark.objects.exists()


def test_mark_group_read_and_group_0_for_all(fever, library):
    now = str(int(time.time()) + 60)
    business = next(g["id"] for g in fever.call("groups")["groups"] if g["title"] == "Business")
    fever.call(mark="group", id=str(business), before=now, **{"as": "read"})
    unread = ids(fever.call("unread_item_ids")["unread_item_ids"])
    assert {a.pk for a in library.articles if a.source_id == library.ledger.pk}.isdisjoint(unread)
    assert len(unread) == 8
    fever.call(mark="group", id="0", before=now, **{"as": "read"})
    assert fever.call("unread_item_ids")["unread_item_ids"] == ""


def test_one_reader_never_sees_or_changes_anothers_state(fever, other_fever, library):
    pk = library.articles[0].pk
    fever.call(mark="item", id=str(pk), **{"as": "read"})
    fever.call(mark="item", id=str(pk), **{"as": "saved"})
    fever.call(mark="feed", id=str(library.ledger.pk), before=str(int(time.time())), **{"as": "read"})
    other = other_fever.call("unread_item_ids&saved_item_ids")
    assert ids(other["unread_item_ids"]) == sorted(a.pk for a in library.articles)
    assert other["saved_item_ids"] == ""
    item = other_fever.call("items", with_ids=str(pk))["items"][0]
    assert item["is_read"] == 0 and item["is_saved"] == 0
    # Otto's marks land on Otto alone.
    other_fever.call(mark="item", id=str(library.articles[1].pk), **{"as": "saved"})
    assert ids(fever.call("saved_item_ids")["saved_item_ids"]) == [pk]
    assert not ReadState.objects.filter(user=library.other).exists()
    assert not ReadWatermark.objects.filter(user=library.other).exists()


def test_a_reader_sees_only_their_own_feeds(fever, other_fever, library):
    follow_remove(user=library.other, target=library.herald)
    assert {f["id"] for f in other_fever.call("feeds")["feeds"]} == {library.wire.pk, library.ledger.pk}
    assert len(fever.call("feeds")["feeds"]) == 3
    herald = [a.pk for a in library.articles if a.source_id == library.herald.pk]
    assert not set(herald) & {i["id"] for i in other_fever.call("items", max_id="0")["items"]}


def test_an_items_call_costs_the_same_queries_for_1_item_or_50(fever, library):
    def queries(**data: str) -> int:
        fever.call("items", **data)  # the first call of a client may fill caches
        with CaptureQueriesContext(connection) as captured:
            fever.call("items", **data)
        return len(captured.captured_queries)

    one = queries(with_ids=str(library.articles[0].pk))
    for n in range(50):
        saved_article_add(user=library.reader, article=_extra(library, n))
    # The address's failed sign-ins, the key, the page's ids, those items with their state, the total.
    assert queries(since_id="0") == one == 5
