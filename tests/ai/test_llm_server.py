"""The LLM path against a real llama.cpp server with a tiny model: plumbing, grounding and fallbacks.

SmolLM2-135M writes weak prose, so these tests check invariants that must hold whatever it says.
"""

import pytest

from gazette.ai.ask import DECLINED, answer_question
from gazette.ai.llm import LLMClient
from gazette.ai.sentences import sentences_split
from gazette.ai.summarize import SummaryOptions, summary_build

from .conftest import MODEL_NAME

pytestmark = pytest.mark.slow

SHORT = (
    "A magnitude 6.1 earthquake struck Port Alden on Monday, killing three people. "
    "About 40,000 homes lost power. "
    "At least 15 aftershocks were recorded."
)


@pytest.fixture(scope="module")
def client(llm_server):
    with LLMClient(base_url=llm_server, model=MODEL_NAME, timeout=120.0) as c:
        yield c


def test_chat_round_trip(client):
    reply = client.chat([{"role": "user", "content": "Say the word yes."}], max_tokens=8)
    assert isinstance(reply, str) and reply


def test_answers_are_grounded_in_real_sentences(client):
    answer = answer_question(text=SHORT, question="How many people were killed?", llm=client)
    sentences = sentences_split(SHORT)
    assert answer.method in {f"llm:{MODEL_NAME}", "extractive"}
    if answer.answered:
        assert answer.citations and all(c in sentences for c in answer.citations)
    else:
        assert answer.answer == DECLINED and answer.citations == []


def test_unrelated_question_never_cites_invented_text(client):
    answer = answer_question(text=SHORT, question="What did the Prime Minister of Japan say?", llm=client)
    sentences = sentences_split(SHORT)
    assert all(c in sentences for c in answer.citations)
    if not answer.answered:
        assert answer.answer == DECLINED


def test_llm_summary_records_the_model(client):
    summary = summary_build(
        title=None, text=SHORT, options=SummaryOptions(sentences=1, llm_max_tokens=40), llm=client
    )
    assert summary.sentences
    assert (summary.method, summary.model) in {
        (f"llm:{MODEL_NAME}", MODEL_NAME),
        ("extractive-leadrank", None),
    }


def test_server_down_then_built_in_still_works():
    down = LLMClient(base_url="http://127.0.0.1:9/v1", model=MODEL_NAME, timeout=2.0)
    answer = answer_question(text=SHORT, question="How many homes lost power?", llm=down)
    assert answer.method == "extractive" and "40,000 homes" in answer.citations[0]
