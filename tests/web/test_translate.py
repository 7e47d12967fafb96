"""Translate (LLM mode only): hidden without an LLM, the reader's language by default, escaped, cached, limited."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gazette.ai.config import LLMConfig
from gazette.ai.models import UsageDay
from tests.ai.conftest import MODEL_NAME, llm_server  # noqa: F401 - the fixture, shared with tests/ai
from tests.httpserver import free_port
from tests.web.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return make_article(
        title="Harbour bridge approved",
        body="The council approved the harbour bridge on Monday.\n\nWork starts in spring.",
    )


@pytest.fixture
def no_llm(settings):
    settings.GAZETTE_LLM = LLMConfig()


@pytest.fixture
def closed_llm(settings):
    """An LLM is configured, but nothing listens on its port."""
    settings.GAZETTE_LLM = LLMConfig(
        base_url=f"http://127.0.0.1:{free_port()}/v1", model="tiny-model", timeout=5.0
    )


def translate(client: Client, article, language: str, **headers):
    """Load the article page for the CSRF cookie and token, then post the form as it is sent."""
    page = client.get(f"/article/{article.pk}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = {"language": language, "csrfmiddlewaretoken": token}
    return client.post(f"/article/{article.pk}/translate/", data, **headers)


def test_hidden_entirely_without_an_llm(client, no_llm, article):
    html = client.get(f"/article/{article.pk}/").content.decode()
    assert "Translate" not in html and "/translate/" not in html
    assert "Accept-Language" not in client.get(f"/article/{article.pk}/").get("Vary", "")
    assert client.post(f"/article/{article.pk}/translate/", {"language": "de"}).status_code == 404


def test_control_defaults_to_the_readers_language(closed_llm, article):
    german = Client(HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")
    response = german.get(f"/article/{article.pk}/")
    html = response.content.decode()
    assert f'action="/article/{article.pk}/translate/#translate"' in html
    assert '<option value="de" selected>German (Deutsch)</option>' in html
    assert "Accept-Language" in response["Vary"]
    # The page is cached per reader language: a French reader is not given the German default.
    french = Client(HTTP_ACCEPT_LANGUAGE="fr").get(f"/article/{article.pk}/").content.decode()
    assert '<option value="fr" selected>French (Français)</option>' in french
    plain = Client().get(f"/article/{article.pk}/").content.decode()
    assert '<option value="en" selected>English</option>' in plain


@pytest.fixture
def fake_model(chat_endpoint, settings):
    """A local endpoint whose model always gives this reply."""
    chat_endpoint.configure(settings, model="tiny-model")
    chat_endpoint.reply = lambda messages: (
        'Brücke genehmigt\n\n<script>alert("x")</script> <b>Arbeit</b> beginnt.'
    )
    return chat_endpoint


def test_translation_is_escaped_labelled_and_cached(fake_model):
    article = make_article(title="Bridge approved", body="Work starts.")
    client = Client(enforce_csrf_checks=True)
    response = translate(client, article, "de", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert "Machine translation by tiny-model" in html and "German" in html
    assert '<div class="translation-text" lang="de">' in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;Arbeit&lt;/b&gt;" in html
    assert "<strong>Brücke genehmigt</strong>" in html
    assert len(fake_model.calls) == 1
    assert UsageDay.objects.get().llm_calls == 1  # counted against the daily budget
    again = translate(Client(enforce_csrf_checks=True), article, "de").content.decode()
    assert len(fake_model.calls) == 1  # from the cache
    assert "<h1" in again and "Machine translation by tiny-model" in again  # whole page without JavaScript
    assert '<option value="de" selected>' in again


def test_daily_limit_stops_translation(fake_model, settings, article):
    fake_model.configure(settings, model="tiny-model", daily_limit=0)
    response = translate(Client(enforce_csrf_checks=True), article, "fr", HTTP_HX_REQUEST="true")
    assert response.status_code == 503 and "used up today" in response.content.decode()
    assert fake_model.calls == []


def test_unknown_language_csrf_and_rate_limit(fake_model, settings, article):
    client = Client(enforce_csrf_checks=True)
    assert translate(client, article, "xx").status_code == 400
    client.get(f"/article/{article.pk}/")
    assert client.post(f"/article/{article.pk}/translate/", {"language": "de"}).status_code == 403
    assert client.get(f"/article/{article.pk}/translate/").status_code == 405
    settings.GAZETTE_ASK_RATE_PER_MINUTE = 1
    assert translate(client, article, "de").status_code == 200
    limited = translate(client, article, "fr", HTTP_HX_REQUEST="true")
    assert limited.status_code == 429 and "Please wait a minute" in limited.content.decode()


def test_unreachable_model_gives_a_friendly_message(closed_llm, article):
    response = translate(Client(enforce_csrf_checks=True), article, "de", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 503
    assert "The translation service is not answering right now" in html
    assert "127.0.0.1" not in html


@pytest.mark.slow
def test_translation_by_a_real_model(llm_server, settings, article):  # noqa: F811 - the fixture
    settings.GAZETTE_LLM = LLMConfig(base_url=llm_server, model=MODEL_NAME)
    response = translate(Client(enforce_csrf_checks=True), article, "fr", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Machine translation by {MODEL_NAME}" in html
    text = re.search(r'<div class="translation-text" lang="fr">(.*?)</div>', html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", text).strip()
