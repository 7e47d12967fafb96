"""The daily LLM limit against a real endpoint: N calls a day is N requests, and every builder past it
falls back to its built-in method and says so."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from gazette.ai.ask import EXTRACTIVE_METHOD, answer_question
from gazette.ai.ask_story import answer_story_question
from gazette.ai.jobs import article_summarize
from gazette.ai.keypoints import keypoints_build
from gazette.ai.llm import llm_gateway
from gazette.ai.models import ArticleSummary, UsageDay
from gazette.ai.summarize import EXTRACTIVE_METHOD as SUMMARY_BUILT_IN
from gazette.ai.summarize import summary_build
from gazette.ai.translate import TranslateError, translate_text
from tests.chatserver import MODEL
from tests.web.factories import make_article

from .test_ask_story import ARTICLES

pytestmark = pytest.mark.django_db

QUAKE = (Path(__file__).parent / "testdata" / "quake.txt").read_text(encoding="utf-8")
REFUSED = "GAZETTE_LLM_DAILY_LIMIT"


def refusals(caplog) -> dict[str, int]:
    """How many times each module logged that it used its built-in method because of the limit."""
    found: dict[str, int] = {}
    for record in caplog.records:
        if REFUSED in record.getMessage():
            found[record.name] = found.get(record.name, 0) + 1
    return found


def test_the_limit_is_the_number_of_calls_that_reach_the_model_across_summary_jobs(
    chat_endpoint, settings, caplog
):
    chat_endpoint.configure(settings, daily_limit=3)
    articles = [make_article(title=f"Quake {i} strikes Port Alden", body=QUAKE) for i in range(3)]
    caplog.set_level(logging.INFO)
    for article in articles:
        article_summarize(article.pk)
    # A job is two calls (summary, key points): the first job spends two, the second one, then none.
    assert len(chat_endpoint.calls) == 3
    assert UsageDay.objects.get().llm_calls == 3
    first, second, third = (ArticleSummary.objects.get(article=a) for a in articles)
    assert (first.method, first.model, first.keypoints_model) == (f"llm:{MODEL}", MODEL, MODEL)
    assert (second.method, second.model, second.keypoints_model) == (f"llm:{MODEL}", MODEL, "")
    assert (third.method, third.model, third.keypoints_model) == (SUMMARY_BUILT_IN, "", "")
    assert second.keypoints and third.sentences and third.keypoints  # the built-in methods answered
    assert refusals(caplog) == {"gazette.ai.keypoints": 2, "gazette.ai.summarize": 1}


def test_the_panel_says_which_parts_the_model_wrote(chat_endpoint, settings, client):
    chat_endpoint.configure(settings, daily_limit=1)
    article = make_article(title="Quake strikes Port Alden", body=QUAKE)
    article_summarize(article.pk)
    html = client.get(f"/article/{article.pk}/ai/").content.decode()
    assert f"Summary written by {MODEL}; key points chosen from the article" in html


def test_past_the_limit_every_builder_uses_its_fallback_and_says_so(chat_endpoint, settings, caplog):
    chat_endpoint.configure(settings, daily_limit=0)
    llm = llm_gateway()
    caplog.set_level(logging.INFO)
    summary = summary_build(title=None, text=QUAKE, llm=llm)
    points = keypoints_build(title=None, text=QUAKE, llm=llm, summary=summary.sentences)
    answer = answer_question(text=QUAKE, question="How many people were treated for injuries?", llm=llm)
    story = answer_story_question(articles=ARTICLES, question="How many homes lost power?", llm=llm)
    with pytest.raises(TranslateError, match="used up today's machine translations"):
        translate_text(text=QUAKE, target_language="fr", llm=llm)
    assert chat_endpoint.calls == []
    assert summary.method == SUMMARY_BUILT_IN and summary.sentences
    assert points.model is None and points.points
    assert answer.method == EXTRACTIVE_METHOD and "At least 45 people" in answer.citations[0]
    assert story.method == EXTRACTIVE_METHOD and story.answered
    assert refusals(caplog) == {
        "gazette.ai.summarize": 1,
        "gazette.ai.keypoints": 1,
        "gazette.ai.ask": 1,
        "gazette.ai.ask_story": 1,
        "gazette.ai.translate": 1,
    }
