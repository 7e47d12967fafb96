from pathlib import Path

import pytest

from gazette.ai import ask
from gazette.ai.ask import DECLINED, answer_question, names_missing, question_kind
from gazette.ai.llm import LLMClient, LLMError
from gazette.ai.sentences import sentences_split
from gazette.text.stems import stem

QUAKE = (Path(__file__).parent / "testdata" / "quake.txt").read_text(encoding="utf-8")
SENTENCES = sentences_split(QUAKE)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many people died?", "killing at least three people"),
        ("When did the quake hit?", "The quake hit at 4:05 a.m."),
        ("Where were the injured treated?", "St. Brenna's Hospital"),
        ("How strong was the biggest aftershock?", "the strongest measuring 4.8"),
        ("Who confirmed the deaths?", "Interior minister J. K. Holt"),
        ("Why were port operations stopped?", "Port operations were halted"),
    ],
)
def test_built_in_answers_cite_the_supporting_sentence(question, expected):
    answer = answer_question(text=QUAKE, question=question)
    assert answer.answered and answer.method == "extractive"
    assert expected in answer.citations[0]
    assert all(c in SENTENCES for c in answer.citations)
    assert answer.answer == " ".join(answer.citations)


@pytest.mark.parametrize(
    "question",
    [
        "What did the European Union say about the damage?",
        "How much will the new airport cost?",
        "Who won the football match?",
        "",
    ],
)
def test_unanswerable_questions_are_declined(question):
    answer = answer_question(text=QUAKE, question=question)
    assert not answer.answered
    assert answer.answer == DECLINED and answer.citations == []


def test_empty_article_is_declined():
    assert not answer_question(text="", question="How many people died?").answered


def test_question_kind():
    assert question_kind("How many people died?") == "number"
    assert question_kind("When did it happen?") == "time"
    assert question_kind("Who is the minister?") == "person"
    assert question_kind("Where did it strike?") == "place"
    assert question_kind("Why did it collapse?") is None


def test_names_missing():
    assert names_missing(question="What did the European Union say?", sentences=SENTENCES) == [
        "European",
        "Union",
    ]
    assert names_missing(question="What did Holt say?", sentences=SENTENCES) == []


class ScriptedLLM(LLMClient):
    """An LLMClient whose model replies with fixed text (the real server is tested in test_llm_server)."""

    def __init__(self, reply: str | Exception):
        super().__init__(base_url="http://127.0.0.1:9/v1", model="scripted")
        self.reply = reply
        self.prompts: list[list[dict[str, str]]] = []

    def chat(self, messages, *, max_tokens=256, temperature=0.0):
        self.prompts.append(messages)
        if isinstance(self.reply, Exception):
            raise self.reply
        return self.reply


def _numbered(llm: ScriptedLLM) -> dict[int, str]:
    lines = llm.prompts[0][1]["content"].split("Sentences:\n", 1)[1].split("\n\nQuestion:")[0].splitlines()
    return {int(line[1 : line.index("]")]): line[line.index("]") + 2 :] for line in lines}


def test_llm_citations_map_back_to_sentences_and_are_renumbered():
    llm = ScriptedLLM("Three people died [2], in the market collapse [3, 9].")
    answer = answer_question(text=QUAKE, question="How many people died?", llm=llm)
    numbered = _numbered(llm)
    assert answer.method == "llm:scripted" and answer.answered
    assert answer.citations == [numbered[2], numbered[3]]  # [9] was not offered, so it is dropped
    assert answer.answer == "Three people died [1], in the market collapse [2]."
    assert all(c in SENTENCES for c in answer.citations)


def test_llm_refusal_is_a_plain_decline():
    answer = answer_question(text=QUAKE, question="Who won the match?", llm=ScriptedLLM("NOT IN ARTICLE"))
    assert answer == ask.Answer(answer=DECLINED, citations=[], answered=False, method="llm:scripted")


def test_llm_answer_without_valid_citations_is_not_shown():
    answer = answer_question(text=QUAKE, question="How many people died?", llm=ScriptedLLM("Lots of people."))
    assert answer.method == "extractive"
    assert "killing at least three people" in answer.citations[0]


def test_llm_failure_falls_back_to_the_built_in_method():
    answer = answer_question(text=QUAKE, question="How many people died?", llm=ScriptedLLM(LLMError("down")))
    assert answer.method == "extractive" and answer.answered


RATES = (
    "The Reserve Bank of Australia lifted its cash rate to 4.35 percent from 4.1 percent. "
    "Economists in Sydney had expected the move. "
    "Governor Philippa Vance, a former deputy who took over eight months ago, said the board had weighed "
    "the risk to households carefully before it raised the rate at the bank's meeting."
)
RATES_NAMES = {
    "Reserve Bank of Australia": "org",
    "Australia": "place",
    "Sydney": "place",
    "Philippa Vance": "person",
}


def test_who_wants_a_person_or_organisation_the_entity_stage_found_not_a_place():
    # "Australia" is capitalised but names a place; only the entity stage can tell.
    answer = answer_question(
        text=RATES, question="Who is the governor of the Reserve Bank?", names=RATES_NAMES
    )
    assert "Philippa Vance" in answer.citations[0]


def test_a_name_the_question_gives_is_no_answer_to_who():
    text = "The Reserve Bank of England raised rates. The governor of the bank, Anne Holt, warned of more."
    names = {"Reserve Bank of England": "org", "Anne Holt": "person"}
    answer = answer_question(text=text, question="Who is the governor of the Reserve Bank?", names=names)
    assert answer.citations[0] == "The governor of the bank, Anne Holt, warned of more."


FLIGHT = (
    "Skylark, which flies 31 turboprops on routes across the west, said passengers had been rebooked on "
    "another flight. "
    "The flight was carrying 64 passengers and four crew when the engine failed over the mountains west "
    "of the city, and it landed safely at the regional airport twenty minutes later."
)


def test_how_many_wants_a_count_of_the_thing_asked_about():
    answer = answer_question(text=FLIGHT, question="How many passengers were on the flight?")
    assert "64 passengers" in answer.citations[0]


COSTS = (
    "The repairs to the bridge will cost the city more than it planned, and work will take 18 months. "
    "Engineers put the cost of the repairs at 42 million dollars in a report to the council that was "
    "published on Tuesday after a two-year study of the ageing structure."
)


def test_how_much_wants_money_or_a_percentage():
    answer = answer_question(text=COSTS, question="How much will the repairs cost?")
    assert "42 million dollars" in answer.citations[0]


def test_question_asked_reads_what_is_counted_and_whether_an_amount_is_wanted():
    many = ask.question_asked("How many of the recalled vehicles are in the United States?")
    assert many.kind == "number" and many.counted == {stem("recall"), stem("car")} and not many.amount
    much = ask.question_asked("How much did the shares fall?")
    assert much.kind == "number" and much.amount and not much.counted
    assert ask.question_asked("Who is the governor?").counted == frozenset()
