"""Saving articles for later and the Saved page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from gazette.accounts.models import SavedArticle
from gazette.accounts.saved import saved_article_add, saved_articles
from tests.web.factories import make_article, make_source

pytestmark = pytest.mark.django_db


def test_save_and_unsave_from_the_article_page(reader, reader_client):
    article = make_article(title="Harbour bridge approved")
    page = f"/article/{article.pk}/"
    html = reader_client.get(page).content.decode()
    assert f'action="/saved/{article.pk}/save/"' in html and "Save for later" in html
    response = reader_client.post(f"/saved/{article.pk}/save/", {"next": page})
    assert response.status_code == 302 and response["Location"] == page
    assert SavedArticle.objects.filter(user=reader, article=article).exists()
    html = reader_client.get(page).content.decode()
    assert f'action="/saved/{article.pk}/unsave/"' in html and "Saved" in html
    assert "Harbour bridge approved" in reader_client.get("/saved/").content.decode()
    reader_client.post(f"/saved/{article.pk}/unsave/", {"next": page})
    assert not SavedArticle.objects.exists()
    assert "Nothing saved yet" in reader_client.get("/saved/").content.decode()


def test_saving_twice_keeps_one_row(reader, reader_client):
    article = make_article()
    reader_client.post(f"/saved/{article.pk}/save/")
    reader_client.post(f"/saved/{article.pk}/save/")
    assert SavedArticle.objects.filter(user=reader).count() == 1


def test_save_without_next_goes_to_the_article(reader_client):
    article = make_article(title="Harbour bridge approved")
    response = reader_client.post(f"/saved/{article.pk}/save/")
    assert response["Location"] == f"/article/{article.pk}/harbour-bridge-approved/"


def test_saved_page_lists_most_recently_saved_first(reader, reader_client):
    older = make_article(title="Saved first", ago=timedelta(minutes=5))
    newer = make_article(title="Saved second", ago=timedelta(hours=5))
    now = timezone.now()
    SavedArticle.objects.create(user=reader, article=older, saved_at=now - timedelta(hours=1))
    SavedArticle.objects.create(user=reader, article=newer, saved_at=now)
    assert list(saved_articles(user=reader)) == [newer, older]
    html = reader_client.get("/saved/").content.decode()
    assert html.index("data-nav-link>Saved second<") < html.index("data-nav-link>Saved first<")


def test_saved_page_keeps_copies(reader):
    original = make_article(title="Wire story")
    copy = make_article(make_source("Copycat"), title="Wire story, reprinted", duplicate_of=original)
    saved_article_add(user=reader, article=copy)
    assert list(saved_articles(user=reader)) == [copy]


def test_saved_page_is_the_readers_own(reader, commenter_client):
    saved_article_add(user=reader, article=make_article(title="Rita's article"))
    assert "Rita&#x27;s article" not in commenter_client.get("/saved/").content.decode()


def test_saved_page_is_paginated(reader, reader_client):
    for i in range(22):
        saved_article_add(user=reader, article=make_article(title=f"Keeper {i}"))
    html = reader_client.get("/saved/").content.decode()
    assert "Page 1 of 2" in html
    assert "Page 2 of 2" in reader_client.get("/saved/?page=2").content.decode()


def test_cards_have_a_save_button_for_signed_in_readers_only(reader, reader_client, anonymous):
    article = make_article(title="Front page story")
    saved_article_add(user=reader, article=article)
    other = make_article(title="Another story")
    html = reader_client.get("/").content.decode()
    assert f'action="/saved/{article.pk}/unsave/"' in html
    assert f'action="/saved/{other.pk}/save/"' in html
    assert "Remove from saved: Front page story" in html
    anon = anonymous.get("/").content.decode()
    assert "/saved/" not in anon and "save-form" not in anon


def test_save_with_htmx_answers_the_new_button(reader_client):
    article = make_article()
    response = reader_client.post(
        f"/saved/{article.pk}/save/", {"next": "/", "compact": "1"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<form class="save-form compact"')
    assert f'action="/saved/{article.pk}/unsave/"' in html


def test_anonymous_is_sent_to_log_in(anonymous):
    article = make_article(title="Harbour bridge approved")
    html = anonymous.get(f"/article/{article.pk}/").content.decode()
    assert f'href="/accounts/login/?next=/article/{article.pk}/"' in html
    response = anonymous.post(f"/saved/{article.pk}/save/")
    assert response["Location"] == (f"/accounts/login/?next=/article/{article.pk}/harbour-bridge-approved/")
    assert not SavedArticle.objects.exists()
    assert anonymous.get("/saved/")["Location"] == "/accounts/login/?next=/saved/"


def test_save_missing_article_is_404(reader_client):
    assert reader_client.post("/saved/999/save/").status_code == 404
