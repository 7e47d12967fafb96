"""Ask about this story: answers cite the outlet that reported it, from originals only; CSRF, limits, escaping."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gazette.sources.models import Source
from gazette.stories.models import ArticleEntity
from tests.web.factories import make_article, make_entity, make_source, make_story

pytestmark = pytest.mark.django_db


def _article(source: str, title: str, sentences: list[str], **fields):
    text = " ".join(sentences)
    return make_article(
        make_source(source, **fields),
        title=title,
        body=text,
        content_html="".join(f"<p>{s}</p>" for s in sentences),
        content_text=text,
    )


@pytest.fixture
def story():
    wire = _article(
        "Meridian Wire",
        "Earthquake strikes Port Alden",
        ["A magnitude 6.1 earthquake struck Port Alden on Monday.", "The quake hit at 4:05 a.m. local time."],
    )
    ledger = _article(
        "Harbor Ledger",
        "Quake cuts power in Port Alden",
        ["About 40,000 homes lost power across the region.", "The harbour reopened in the afternoon."],
    )
    copy = make_article(
        make_source("Copycat Daily"),
        title="Quake cuts power in Port Alden",
        body="About 40,000 homes lost power across the region.",
        duplicate_of=ledger,
    )
    return make_story([wire, ledger, copy], title="Earthquake in Port Alden"), wire, ledger, copy


def ask(client: Client, story, question: str, **headers):
    """Load the story page for the CSRF cookie and token, then post the question as the form does."""
    page = client.get(f"/story/{story.pk}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return client.post(
        f"/story/{story.pk}/ask/", {"question": question, "csrfmiddlewaretoken": token}, **headers
    )


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def test_story_page_has_the_ask_form(client, story):
    html = client.get(f"/story/{story[0].pk}/").content.decode()
    assert "Ask about this story" in html
    assert f'action="/story/{story[0].pk}/ask/#ask"' in html and "hx-post" in html
    assert "csrf-slot-" not in html


def test_answer_cites_the_right_outlet_and_links_its_article_without_javascript(story):
    story, wire, ledger, copy = story
    response = ask(csrf_client(), story, "How many homes lost power?")
    html = response.content.decode()
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert "<h1>Earthquake in Port Alden</h1>" in html  # the whole page, for readers without JavaScript
    assert "Best matching sentences from the coverage" in html
    cited = re.search(r'<ol class="citations">(.*?)</ol>', html, re.S).group(1)
    assert f'href="/article/{ledger.pk}/">Harbor Ledger</a>: “About 40,000 homes lost power' in cited
    assert "Copycat Daily" not in cited  # copies only repeat their original


def test_answer_from_the_other_outlet_with_htmx(story):
    story, wire, *_ = story
    response = ask(csrf_client(), story, "When did the quake hit?", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<h1>" not in html and '<div class="ask-answer">' in html
    assert f'href="/article/{wire.pk}/">Meridian Wire</a>: “The quake hit at 4:05 a.m.' in html


def test_unanswerable_question_is_declined(story):
    html = ask(csrf_client(), story[0], "What did the European Union say?").content.decode()
    assert "The coverage does not say." in html and '<ol class="citations">' not in html


def test_who_is_answered_with_a_person_the_entity_stage_stored():
    wire = _article(
        "Meridian Wire",
        "Rates rise",
        [
            "The Reserve Bank of Australia lifted its cash rate to 4.35 percent from 4.1 percent.",
            "Economists in Sydney had expected the move.",
        ],
    )
    ledger = _article(
        "Harbor Ledger",
        "Bank lifts rates",
        [
            "Markets barely moved.",
            "Governor Philippa Vance, a former deputy who took over eight months ago, said the board had "
            "weighed the risk to households carefully before it raised the rate at the bank's meeting.",
        ],
    )
    for article, names in ((wire, {"Reserve Bank of Australia": "org", "Sydney": "place"}),
                           (ledger, {"Philippa Vance": "person"})):  # fmt: skip
        for name, kind in names.items():
            ArticleEntity.objects.create(article=article, entity=make_entity(name, kind=kind))
    story = make_story([wire, ledger], title="Rates rise")
    html = ask(csrf_client(), story, "Who is the governor of the Reserve Bank?").content.decode()
    cited = re.search(r'<ol class="citations">(.*?)</ol>', html, re.S).group(1)
    assert (
        f'href="/article/{ledger.pk}/">Harbor Ledger</a>: “Governor Philippa Vance' in cited.split("</li>")[0]
    )


def test_excerpt_only_source_is_answered_from_its_excerpt(story):
    story, wire, *_ = story
    Source.objects.filter(pk=wire.source_id).update(display=Source.Display.EXCERPT)
    wire.summary = "<p>A magnitude 6.1 earthquake struck Port Alden on Monday.</p>"
    wire.save()
    html = ask(csrf_client(), story, "When did the quake hit?").content.decode()
    assert "4:05 a.m." not in html.split('id="ask-result"')[1]


def test_requires_csrf_token_and_post(story):
    client = csrf_client()
    client.get(f"/story/{story[0].pk}/")
    assert client.post(f"/story/{story[0].pk}/ask/", {"question": "When?"}).status_code == 403
    assert client.get(f"/story/{story[0].pk}/ask/").status_code == 405
    assert client.post("/story/999999/ask/").status_code in {403, 404}


def test_question_is_escaped(story):
    evil = '<script>alert("x")</script> when did the quake hit'
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        html = ask(csrf_client(), story[0], evil, **headers).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_empty_question_is_refused(story):
    response = ask(csrf_client(), story[0], "  ")
    assert response.status_code == 400 and "Type a question about the story" in response.content.decode()


def test_rate_limit_is_shared_with_article_questions(settings, story):
    settings.GAZETTE_ASK_RATE_PER_MINUTE = 2
    client = csrf_client()
    assert ask(client, story[0], "How many homes lost power?").status_code == 200
    assert ask(client, story[0], "When did the quake hit?").status_code == 200
    limited = ask(client, story[0], "Where did it strike?", HTTP_HX_REQUEST="true")
    assert limited.status_code == 429 and "Please wait a minute" in limited.content.decode()
    other = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.0.0.9")
    assert ask(other, story[0], "When did the quake hit?").status_code == 200


def test_llm_answer_links_its_citations_to_outlets(chat_endpoint, settings, story):
    chat_endpoint.configure(settings, model="tiny-model")
    chat_endpoint.reply = lambda messages: "Power failed for 40,000 homes [1]."
    html = ask(csrf_client(), story[0], "How many homes lost power?").content.decode()
    assert "Written by tiny-model from these sentences of the coverage" in html
    assert '<sup>[<a href="#cite-1">1</a>]</sup>' in html and 'id="cite-1"' in html
