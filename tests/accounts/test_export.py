"""Downloading one's data: all of it, only one's own, and never a secret."""

from __future__ import annotations

import json

import pytest

from gazette.accounts.api_password import api_password_set
from gazette.accounts.comments import comment_hide, comment_post
from gazette.accounts.export import account_export
from gazette.accounts.follows import follow_add
from gazette.accounts.foryou import foryou_mute_add
from gazette.accounts.labels import item_labels_add
from gazette.accounts.models import AccessToken, ReaderSettings
from gazette.accounts.reading import articles_mark_all_read, articles_mark_read
from gazette.accounts.saved import saved_article_add
from gazette.accounts.tokens import access_token_create
from tests.web.factories import make_article, make_source, make_story, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(reader, commenter, moderator):
    """Both readers comment, follow, save, read and hold tokens, on the same articles."""
    source = make_source("The Harbor Ledger")
    other_source = make_source("Valley Courier")
    article = make_article(source, title="Harbour bridge approved")
    story = make_story([article], title="The harbour bridge")
    mine = comment_post(author=reader, article=article, body="Rita's own words")
    comment_post(author=reader, story=story, body="Rita on the story")
    comment_post(author=commenter, article=article, body="Carlos says otherwise", parent=mine)
    hidden = comment_post(author=reader, article=article, body="Rita, hidden later")
    comment_hide(comment=hidden, moderator=moderator)
    follow_add(user=reader, target=source)
    follow_add(user=reader, target=make_topic("science", "Science"))
    follow_add(user=commenter, target=other_source)
    foryou_mute_add(user=reader, target=story)
    foryou_mute_add(user=commenter, target=source)
    saved_article_add(user=reader, article=article)
    elsewhere = make_article(make_source("Hill Gazette"), title="Hill road reopens")
    articles_mark_read(user=reader, article_ids=[elsewhere.pk])
    articles_mark_all_read(user=reader, sources=[source])
    articles_mark_all_read(user=commenter, sources=[other_source])
    _, reader_raw = access_token_create(user=reader, name="phone")
    _, commenter_raw = access_token_create(user=commenter, name="carlos laptop")
    api_password_set(user=reader, raw="app-password-long-enough-1")
    item_labels_add(user=reader, article_ids=[article.pk], name="Read later")
    item_labels_add(user=commenter, article_ids=[article.pk], name="Carlos's pile")
    return {
        "article": article,
        "elsewhere": elsewhere,
        "story": story,
        "source": source,
        "hidden": hidden,
        "raws": (reader_raw, commenter_raw),
    }


def test_export_holds_the_readers_own_data(reader, world):
    data = account_export(user=reader)
    assert data["account"]["username"] == "rita"
    assert data["account"]["joined"] == reader.date_joined.isoformat()
    bodies = {c["body"]: c for c in data["comments"]}
    assert set(bodies) == {"Rita's own words", "Rita on the story", "Rita, hidden later"}
    on_article = bodies["Rita's own words"]
    assert on_article["article_id"] == world["article"].pk and on_article["story_id"] is None
    assert on_article["url"].startswith(f"/article/{world['article'].pk}/#comment-")
    assert bodies["Rita on the story"]["story_id"] == world["story"].pk
    assert bodies["Rita, hidden later"]["hidden"] is True and on_article["hidden"] is False
    assert {(f["kind"], f["name"]) for f in data["follows"]} == {
        ("source", "The Harbor Ledger"),
        ("topic", "Science"),
    }
    assert [(m["kind"], m["id"]) for m in data["foryou_mutes"]] == [("story", world["story"].pk)]
    assert [s["article_id"] for s in data["saved"]] == [world["article"].pk]
    assert [(label["article_id"], label["name"]) for label in data["labels"]] == [
        (world["article"].pk, "Read later")
    ]
    assert [r["article_id"] for r in data["read_state"]["articles"]] == [world["elsewhere"].pk]
    assert [w["source_id"] for w in data["read_state"]["sources_read_before"]] == [world["source"].pk]
    assert [t["name"] for t in data["access_tokens"]] == ["phone"]
    assert data["settings"]["api_password_set"] is not None


def test_export_leaves_out_other_readers_and_every_secret(reader, commenter, world):
    text = json.dumps(account_export(user=reader))
    assert "Carlos says otherwise" not in text and "Valley Courier" not in text
    assert "carlos laptop" not in text and "Carlos's pile" not in text
    for token in AccessToken.objects.all():
        assert token.digest not in text
    for raw in world["raws"]:
        assert raw not in text
    reader.refresh_from_db()
    assert reader.password not in text
    found = ReaderSettings.objects.get(user=reader)
    assert found.api_password not in text and found.fever_key not in text
    assert "app-password-long-enough-1" not in text


def test_export_view_is_a_private_download(reader_client, world):
    response = reader_client.get("/accounts/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["username"] == "rita"


def test_export_needs_a_signed_in_reader(anonymous):
    response = anonymous.get("/accounts/export/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_export_is_linked_from_the_account_menu(reader_client):
    html = reader_client.get("/accounts/reading/").content.decode()
    assert 'href="/accounts/export/"' in html and 'href="/accounts/delete/"' in html


def test_an_empty_account_exports_cleanly(commenter):
    data = account_export(user=commenter)
    assert data["comments"] == [] and data["follows"] == [] and data["access_tokens"] == []
    assert data["settings"] == {
        "display_name": "",
        "mark_read_on_open": True,
        "email_digest": False,
        "api_password_set": None,
    }
