import socket
from pathlib import Path

from gazette.ai.llm import LLMClient
from gazette.ai.sentences import sentences_split
from gazette.ai.summarize import EXTRACTIVE_METHOD, SummaryOptions, summary_build

QUAKE = (Path(__file__).parent / "testdata" / "quake.txt").read_text(encoding="utf-8")


def test_extractive_summary_is_article_sentences_in_order():
    summary = summary_build(title="Earthquake kills three", text=QUAKE)
    sentences = sentences_split(QUAKE)
    assert summary.method == EXTRACTIVE_METHOD and summary.model is None
    assert len(summary.sentences) == 3
    positions = [sentences.index(s) for s in summary.sentences]
    assert positions == sorted(positions)
    assert positions[0] == 0  # the lead carries the news


def test_sentence_count_option():
    assert len(summary_build(title=None, text=QUAKE, options=SummaryOptions(sentences=5)).sentences) == 5
    assert len(summary_build(title=None, text=QUAKE, options=SummaryOptions(sentences=1)).sentences) == 1


def test_short_and_empty_texts():
    assert summary_build(title=None, text="Just one sentence.").sentences == ["Just one sentence."]
    assert summary_build(title=None, text="").sentences == []


def test_redundant_sentences_are_not_both_chosen():
    lead = "The city council approved a new budget for road repairs on Tuesday evening."
    text = " ".join(
        [
            lead,
            "The city council approved the new budget for road repairs on Tuesday.",
            "Opponents said the increase was far too small to clear the backlog.",
            "The mayor said work on the worst streets would begin in the spring.",
            "Residents have complained about potholes for several years now.",
        ]
    )
    summary = summary_build(title=None, text=text, options=SummaryOptions(sentences=2))
    assert summary.sentences[0] == lead
    assert "The city council approved the new budget for road repairs on Tuesday." not in summary.sentences


def test_unreachable_llm_falls_back_to_the_built_in_method():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = LLMClient(base_url=f"http://127.0.0.1:{port}/v1", model="none", timeout=2.0)
    summary = summary_build(title=None, text=QUAKE, llm=client)
    assert summary.method == EXTRACTIVE_METHOD
    assert len(summary.sentences) == 3
