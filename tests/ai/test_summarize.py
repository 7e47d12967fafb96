import socket
from pathlib import Path

from gazette.ai.llm import LLMClient
from gazette.ai.sentences import sentences_split
from gazette.ai.summarize import EXTRACTIVE_METHOD, SummaryOptions, sentence_is_prose, summary_build

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
    unlimited = SummaryOptions(sentences=5, words_enough=0)
    assert len(summary_build(title=None, text=QUAKE, options=unlimited).sentences) == 5
    assert len(summary_build(title=None, text=QUAKE, options=SummaryOptions(sentences=1)).sentences) == 1


LONG_LEAD = " ".join(
    [
        "Voltaris Motors is recalling about 310,000 electric SUVs worldwide because a fault in their battery "
        "software can cause a sudden loss of drive power and, in rare cases, let cells overheat while fast charging, the company said.",
        "The recall covers the Terra and Terra Max built between 2022 and 2024, including roughly 204,000 "
        "vehicles in the United States, 58,000 in Europe and 48,000 in China and other markets.",
        "Owners will receive a free software update.",
        "Shares fell 7 percent.",
    ]
)


def test_a_summary_stops_once_it_holds_enough_words():
    summary = summary_build(title=None, text=LONG_LEAD)
    assert summary.sentences == sentences_split(LONG_LEAD)[:2]  # 68 words: a third adds little
    unlimited = summary_build(title=None, text=LONG_LEAD, options=SummaryOptions(words_enough=0))
    assert len(unlimited.sentences) == 3


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


RECALL = (Path(__file__).parent / "testdata" / "recall.txt").read_text(encoding="utf-8")


def test_captions_bylines_datelines_and_section_labels_are_never_summary_sentences():
    summary = summary_build(title="Voltaris recalls 310,000 SUVs", text=RECALL)
    assert summary.sentences[0].startswith("Voltaris Motors is recalling")
    for sentence in summary.sentences:
        assert not sentence.startswith(("Business", "A row of electric SUVs", "By Hannah", "May 16"))


def test_sentence_opening_with_a_pronoun_only_follows_its_antecedent():
    sentences = sentences_split(RECALL)
    for count in range(1, 8):
        chosen = summary_build(title=None, text=RECALL, options=SummaryOptions(sentences=count)).sentences
        for sentence in chosen:
            if sentence.startswith("It said") or sentence.endswith("she said."):
                before = sentences[sentences.index(sentence) - 1]
                assert before in chosen and chosen.index(before) == chosen.index(sentence) - 1


def test_sentence_is_prose():
    assert sentence_is_prose("Shares fell 4.1 percent in early trading.")
    assert sentence_is_prose('"We will fix every car," the company said.')
    assert sentence_is_prose("By Wednesday morning, firefighters said the blaze was 15 percent contained.")
    for line in (
        "A row of electric SUVs parked at a dealership lot",  # a caption: no closing stop
        "By Hannah Bell.",
        "Updated May 16, 2024 10:42 AM.",
        "World.",
        '"We are deeply sorry. We will fix every car.',  # a quotation left open
    ):
        assert not sentence_is_prose(line), line


def test_captions_and_furniture_above_the_lead_do_not_push_the_lead_down():
    above = [
        "Smoke rises over the docks on Monday evening",
        "Photograph: Harbor Ledger",
        "Scroll down for video",
    ]
    body = [
        "A warehouse on Fenwick Lane burned down on Monday night and forty people left nearby homes.",
        "The fire service said the warehouse fire on Fenwick Lane was the largest fire the fire service had "
        "fought this year.",
        "Crews fought the warehouse fire for six hours, and the fire service said the fire started in the roof.",
        "The warehouse fire closed roads, and the fire service asked people to avoid the fire area.",
        "Residents were allowed home on Tuesday.",
    ]
    one = SummaryOptions(sentences=1)
    assert summary_build(title=None, text="\n\n".join(body), options=one).sentences == body[:1]
    assert summary_build(title=None, text="\n\n".join([*above, *body]), options=one).sentences == body[:1]
