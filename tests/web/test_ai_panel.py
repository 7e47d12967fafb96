"""The article page's AI panel: summary placeholder and fragment, ask box, citations, rate limit, listen."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gazette.ai.config import LLMConfig
from gazette.sources.models import Source
from gazette.stories.models import ArticleEntity
from gazette.web.highlight import citations_highlight
from gazette.web.views import articles as article_views
from tests.httpserver import free_port
from tests.web.factories import make_article, make_entity, make_source, make_summary

pytestmark = pytest.mark.django_db

PARAGRAPHS = [
    "A magnitude 6.4 earthquake struck off the coast before dawn, killing at least four people in the port "
    "city of Puerto Salinas, officials said.",
    "The quake hit at 3:52 a.m. local time at a depth of 29 kilometres. A tsunami precaution was issued for "
    "the coastline and lifted an hour later.",
    'Mayor Elena Ruiz said the city would open <a href="https://example.org/shelters">three shelters</a> '
    "for families whose homes were damaged.",
]


def quake(**fields):
    html = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    text = "\n\n".join(re.sub(r"<[^>]+>", "", p) for p in PARAGRAPHS)
    return make_article(
        make_source("Meridian Wire", **fields),
        title="Earthquake strikes Puerto Salinas",
        content_html=html,
        content_text=text,
        summary=f"<p>{PARAGRAPHS[0]}</p>",
    )


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def ask(client: Client, article, question: str, **headers):
    """Load the article page for the CSRF cookie and token, then post the question as the form does."""
    page = client.get(f"/article/{article.pk}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return client.post(
        f"/article/{article.pk}/ask/", {"question": question, "csrfmiddlewaretoken": token}, **headers
    )


# Summary


def test_summary_placeholder_polls_until_ready(client):
    article = quake()
    html = client.get(f"/article/{article.pk}/").content.decode()
    assert "Summarising…" in html
    assert f'hx-get="/article/{article.pk}/ai/?try=1"' in html and 'hx-trigger="load delay:3s"' in html
    fragment = client.get(f"/article/{article.pk}/ai/?try=1")
    assert fragment.status_code == 200 and "no-cache" in fragment["Cache-Control"]
    assert "?try=2" in fragment.content.decode() and "<html" not in fragment.content.decode()
    make_summary(
        article, sentences=["Four people died in the quake."], keypoints=["Four dead", "Shelters open"]
    )
    ready = client.get(f"/article/{article.pk}/ai/?try=2").content.decode()
    assert "Four people died in the quake." in ready and "<li>Shelters open</li>" in ready
    assert "hx-get" not in ready and "hx-trigger" not in ready
    assert "Extractive summary" in ready


def test_summary_polling_gives_up(client):
    article = quake()
    html = client.get(f"/article/{article.pk}/ai/?try={article_views.SUMMARY_POLL_TRIES}").content.decode()
    assert "hx-get" not in html and "isn't ready yet" in html
    assert client.get(f"/article/{article.pk}/ai/?try=abc").status_code == 200
    assert client.get("/article/999999/ai/").status_code == 404


def test_article_without_text_does_not_poll(client):
    article = make_article(content_text="", content_html="", body="")
    html = client.get(f"/article/{article.pk}/").content.decode()
    assert "Summarising" not in html and "no text to summarise" in html


def test_summary_on_page_with_model_and_headline_check(client):
    article = quake()
    make_summary(
        article,
        sentences=["A strong earthquake killed four."],
        keypoints=["Four dead"],
        headline_flags=["a question the story doesn't answer"],
        method="llm",
        model="smollm2-135m",
        keypoints_model="smollm2-135m",
    )
    html = client.get(f"/article/{article.pk}/").content.decode()
    assert "A strong earthquake killed four." in html and "<li>Four dead</li>" in html
    assert "Written by smollm2-135m" in html
    assert "Headline check" in html and "a question the story doesn&#x27;t answer" in html
    assert "Summarising" not in html


def test_new_summary_changes_the_article_etag(client):
    article = quake()
    client.get(f"/article/{article.pk}/")
    etag = client.get(f"/article/{article.pk}/")["ETag"]
    make_summary(article)
    from django.core.cache import cache

    cache.clear()
    again = client.get(f"/article/{article.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and "The council approved the bridge." in again.content.decode()


# Ask


def test_ask_answers_with_citations_highlighted_without_javascript():
    client = csrf_client()
    article = quake()
    response = ask(client, article, "How many people were killed?")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Best matching sentences from the article" in html
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    # The cited sentence is marked in the text and the citation links to it.
    assert re.search(r'<mark class="cite" id="cite-1">A magnitude 6\.4 earthquake', html)
    assert 'href="#cite-1"' in html
    assert "You asked:</span> How many people were killed?" in html
    assert html.count("<h1") == 1


def test_ask_who_uses_the_names_stored_for_the_article():
    sentences = [
        "The Reserve Bank of Australia lifted its cash rate to 4.35 percent from 4.1 percent.",
        "Economists in Sydney had expected the move.",
        "Governor Philippa Vance, a former deputy who took over eight months ago, said the board had weighed "
        "the risk to households carefully before it raised the rate at the bank's meeting.",
    ]
    article = make_article(
        make_source("Meridian Wire"),
        title="Rates rise",
        content_html="".join(f"<p>{s}</p>" for s in sentences),
        content_text="\n\n".join(sentences),
    )
    for name, kind in (
        ("Reserve Bank of Australia", "org"),
        ("Sydney", "place"),
        ("Philippa Vance", "person"),
    ):
        ArticleEntity.objects.create(article=article, entity=make_entity(name, kind=kind))
    html = ask(csrf_client(), article, "Who is the governor of the Reserve Bank?").content.decode()
    assert re.search(r'<mark class="cite" id="cite-1">Governor Philippa Vance', html)


def test_ask_with_htmx_swaps_answer_and_marked_text():
    client = csrf_client()
    article = quake()
    response = ask(client, article, "Who is the mayor?", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<h1" not in html
    assert 'id="story-body" hx-swap-oob="true"' in html
    assert '<mark class="cite" id="cite-1">Mayor Elena Ruiz' in html
    # A sentence across a link is marked piece by piece, the link kept.
    assert '<a href="https://example.org/shelters"><mark class="cite">three shelters</mark></a>' in html


def test_ask_declines_unanswerable_question():
    client = csrf_client()
    article = quake()
    html = ask(client, article, "What is the price of bitcoin in Tokyo?").content.decode()
    assert "The article does not say." in html
    assert '<mark class="cite"' not in html


def test_ask_requires_csrf_token():
    client = csrf_client()
    article = quake()
    client.get(f"/article/{article.pk}/")
    response = client.post(f"/article/{article.pk}/ask/", {"question": "How many died?"})
    assert response.status_code == 403
    assert client.get(f"/article/{article.pk}/ask/").status_code == 405


def test_cached_page_gives_each_reader_their_own_token():
    article = quake()
    first, second = csrf_client(), csrf_client()
    first_page = first.get(f"/article/{article.pk}/").content.decode()
    # The second reader is served the cached page; the slot is filled with a token for their cookie.
    assert ask(second, article, "How many people were killed?").status_code == 200
    assert ask(first, article, "How many people were killed?").status_code == 200
    assert "csrf-slot-" not in first_page


def test_question_is_escaped():
    client = csrf_client()
    article = quake()
    evil = '<script>alert("x")</script> how many killed'
    html = ask(client, article, evil).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    htmx = ask(client, article, evil, HTTP_HX_REQUEST="true").content.decode()
    assert "<script>alert" not in htmx


def test_empty_question_is_refused():
    client = csrf_client()
    article = quake()
    response = ask(client, article, "   ")
    assert response.status_code == 400 and "Type a question" in response.content.decode()


def test_ask_rate_limit_per_reader(settings):
    settings.GAZETTE_ASK_RATE_PER_MINUTE = 2
    client = csrf_client()
    article = quake()
    assert ask(client, article, "How many died?").status_code == 200
    assert ask(client, article, "Who is the mayor?").status_code == 200
    limited = ask(client, article, "When did it hit?")
    assert limited.status_code == 429
    assert "Please wait a minute" in limited.content.decode()
    htmx = ask(client, article, "When did it hit?", HTTP_HX_REQUEST="true")
    assert htmx.status_code == 429 and "Please wait a minute" in htmx.content.decode()
    # Another reader (another address) is not affected.
    other = Client(enforce_csrf_checks=True, REMOTE_ADDR="10.0.0.9")
    assert ask(other, article, "How many died?").status_code == 200


def test_ask_daily_limit(settings):
    settings.GAZETTE_ASK_RATE_PER_DAY = 1
    client = csrf_client()
    article = quake()
    assert ask(client, article, "How many died?").status_code == 200
    assert ask(client, article, "Who is the mayor?").status_code == 429


def test_llm_answer_links_its_citations(chat_endpoint, settings):
    chat_endpoint.configure(settings, model="tiny-model")
    chat_endpoint.reply = lambda messages: "Four people died [1]."
    client = csrf_client()
    article = quake()
    html = ask(client, article, "How many people were killed?").content.decode()
    assert len(chat_endpoint.calls) == 1
    assert "Written by tiny-model" in html
    assert '<sup>[<a href="#cite-1">1</a>]</sup>' in html
    assert 'id="cite-1"' in html


def test_llm_failure_falls_back_to_built_in(settings):
    settings.GAZETTE_LLM = LLMConfig(base_url=f"http://127.0.0.1:{free_port()}/v1", model="m", timeout=2.0)
    client = csrf_client()
    article = quake()
    html = ask(client, article, "How many people were killed?").content.decode()
    assert "Best matching sentences from the article" in html


def test_spent_daily_limit_answers_with_the_built_in_method(chat_endpoint, settings):
    chat_endpoint.configure(settings, daily_limit=0)
    html = ask(csrf_client(), quake(), "How many people were killed?").content.decode()
    assert chat_endpoint.calls == []
    assert "Best matching sentences from the article" in html


def test_excerpt_source_answers_from_the_excerpt_only():
    client = csrf_client()
    article = quake(display=Source.Display.EXCERPT)
    html = ask(client, article, "Who is the mayor?").content.decode()
    assert "Mayor Elena Ruiz" not in html
    assert "The article does not say." in html


def test_answer_html_escapes_and_links():
    html = article_views.answer_html('<b>x</b> "four" [1, 2] [9]', [True, False])
    assert (
        html == '&lt;b&gt;x&lt;/b&gt; &quot;four&quot; <sup>[<a href="#cite-1">1</a>, 2]</sup> <sup>[9]</sup>'
    )


def test_citations_highlight_edges():
    html, found = citations_highlight(
        "<p>One two three. Four five six.</p>", ["Four five six.", "Missing one."]
    )
    assert found == [True, False]
    assert html == '<p>One two three. <mark class="cite" id="cite-1">Four five six.</mark></p>'
    assert citations_highlight("", ["x"]) == ("", [False])
    # Text is escaped on the way out; nothing becomes markup.
    out, _ = citations_highlight("<p>a &lt;b&gt; c. Said d.</p>", ["Said d."])
    assert "&lt;b&gt;" in out


# Listen


def test_listen_control_is_on_the_page_hidden_until_script_enables_it(client):
    html = client.get(f"/article/{quake().pk}/").content.decode()
    assert re.search(r'<div class="listen" data-listen hidden>', html)
    assert "data-listen-toggle" in html and "data-listen-rate" in html
