"""Answers about a story: the right outlet is cited, unsupported questions are declined, LLM citations check."""

import pytest

from gazette.ai.ask_story import DECLINED, StoryArticle, StoryCitation, answer_story_question
from gazette.ai.llm import LLMError

from .test_ask import ScriptedLLM

ARTICLES = [
    StoryArticle(
        11,
        "Meridian Wire",
        "Earthquake strikes Port Alden",
        "A magnitude 6.1 earthquake struck Port Alden on Monday morning. "
        "Officials said the quake hit at 4:05 a.m. local time. "
        "Rescue teams searched collapsed buildings in the old town.",
    ),
    StoryArticle(
        12,
        "Harbor Ledger",
        "Quake kills three in Port Alden",
        "Three people were killed when the market hall collapsed, the fire service said. "
        "About 40,000 homes lost power across the region. "
        "The harbour reopened in the afternoon.",
    ),
    StoryArticle(
        13,
        "Coastal Times",
        "Port Alden counts the cost",
        "Mayor Ines Varga said repairs would cost at least 20 million euros. "
        "Schools will stay closed until Thursday. "
        "Three people were killed in the collapse of the market hall.",
    ),
]


@pytest.mark.parametrize(
    ("question", "outlet", "expected"),
    [
        ("How many homes lost power?", "Harbor Ledger", "40,000 homes"),
        ("When did the quake hit?", "Meridian Wire", "4:05 a.m."),
        ("How much will the repairs cost?", "Coastal Times", "20 million euros"),
        ("Who is the mayor?", "Coastal Times", "Mayor Ines Varga"),
    ],
)
def test_built_in_answer_cites_the_outlet_that_reported_it(question, outlet, expected):
    answer = answer_story_question(articles=ARTICLES, question=question)
    assert answer.answered and answer.method == "extractive"
    first = answer.citations[0]
    assert (first.source_name, expected in first.sentence) == (outlet, True)
    by_id = {a.article_id: a for a in ARTICLES}
    for c in answer.citations:
        assert c.sentence in by_id[c.article_id].text and c.source_name == by_id[c.article_id].source_name


def test_corroboration_from_another_outlet_is_cited_once_per_outlet():
    answer = answer_story_question(articles=ARTICLES, question="How many people were killed?")
    assert answer.answered
    outlets = [c.source_name for c in answer.citations]
    assert set(outlets) == {"Harbor Ledger", "Coastal Times"} and len(outlets) == 2


def test_plain_tuples_are_accepted():
    answer = answer_story_question(
        articles=[tuple(a) for a in ARTICLES], question="How many homes lost power?"
    )
    assert answer.citations[0] == StoryCitation(12, "Harbor Ledger", ARTICLES[1].text.split(". ")[1] + ".")


@pytest.mark.parametrize(
    "question",
    ["What did the European Union say?", "Who won the football match?", "How much does bitcoin cost?", ""],
)
def test_unsupported_questions_are_declined(question):
    answer = answer_story_question(articles=ARTICLES, question=question)
    assert not answer.answered and answer.answer == DECLINED and answer.citations == []


def test_story_without_articles_is_declined():
    assert not answer_story_question(articles=[], question="How many died?").answered


def _numbered(llm: ScriptedLLM) -> dict[int, str]:
    lines = llm.prompts[0][1]["content"].split("Sentences:\n", 1)[1].split("\n\nQuestion:")[0].splitlines()
    return {int(line[1 : line.index("]")]): line[line.index("]") + 2 :] for line in lines}


def test_llm_passages_come_from_several_outlets_and_citations_map_back():
    llm = ScriptedLLM("Three died [3] and 40,000 homes lost power [1, 42].")
    answer = answer_story_question(
        articles=ARTICLES, question="How many people died and lost power?", llm=llm
    )
    numbered = _numbered(llm)
    outlets = {line.split(")", 1)[0].lstrip("(") for line in numbered.values()}
    assert len(outlets) >= 2
    assert answer.method == "llm:scripted" and answer.answered
    assert answer.answer == "Three died [1] and 40,000 homes lost power [2]."  # [42] was never offered
    assert [f"({c.source_name}) {c.sentence}" for c in answer.citations] == [numbered[3], numbered[1]]


def test_llm_refusal_is_a_plain_decline():
    answer = answer_story_question(articles=ARTICLES, question="Who won?", llm=ScriptedLLM("NOT IN SOURCES"))
    assert (answer.answered, answer.answer, answer.citations) == (False, DECLINED, [])


def test_llm_reply_without_valid_citations_or_failing_falls_back_to_built_in():
    for reply in ("Lots of homes.", LLMError("down")):
        answer = answer_story_question(
            articles=ARTICLES, question="How many homes lost power?", llm=ScriptedLLM(reply)
        )
        assert answer.method == "extractive" and "40,000 homes" in answer.citations[0].sentence


RECALL = [
    StoryArticle(
        21,
        "Meridian Wire",
        "Voltaris Motors recalls 310,000 electric SUVs over battery software fault",
        "Voltaris Motors is recalling about 310,000 electric SUVs worldwide because of a battery software fault. "
        "The recall covers the Terra and Terra Max built between 2022 and 2024. "
        "Voltaris cut Terra prices by up to 9% in the spring to compete with cheaper rivals.",
    ),
    StoryArticle(
        22,
        "Lumen Business",
        "Voltaris recall to cost $210 million as shares slide 7.4%",
        "Analysts said the brand, not the direct bill, was the bigger worry for Voltaris. "
        "Owners will receive a free over-the-air update.",
    ),
]


def test_the_answer_can_come_from_a_members_headline():
    answer = answer_story_question(articles=RECALL, question="How much will the recall cost Voltaris?")
    assert answer.answered
    assert answer.citations[0] == StoryCitation(22, "Lumen Business", RECALL[1].title)
    # A sentence naming Voltaris and the recall but no cost does not corroborate a cost.
    assert len(answer.citations) == 1


def test_a_sentence_saying_as_much_as_a_headline_is_cited_before_it():
    answer = answer_story_question(articles=RECALL, question="How many electric SUVs is Voltaris recalling?")
    first = answer.citations[0]
    assert (first.article_id, first.sentence) == (21, RECALL[0].text.split(". ")[0] + ".")


def test_who_questions_want_a_name_the_question_does_not_give():
    articles = [
        StoryArticle(
            31,
            "Wire",
            "Rates rise",
            "The Reserve Bank of Australia lifted its cash rate to 4.35 percent from 4.1 percent. "
            "Governor Philippa Vance, who took over the bank eight months ago, said more rises were possible.",
        )
    ]
    answer = answer_story_question(articles=articles, question="Who is the governor of the Reserve Bank?")
    assert "Philippa Vance" in answer.citations[0].sentence


FLIGHT = [
    StoryArticle(
        41,
        "Wire",
        "Turboprop lands on one engine",
        "A Skylark Regional turboprop made an emergency landing in Pinewood on Monday after its right engine "
        "failed. The flight was carrying 64 passengers and four crew. Two passengers were hurt on the flight.",
    ),
    StoryArticle(
        42,
        "Herald",
        "Pinewood welcomes stranded travellers",
        "Two passengers from the flight were treated for bruises. Volunteers met the 64 passengers of the "
        "diverted flight at the terminal with coffee and sandwiches while the airline found another plane.",
    ),
    StoryArticle(
        43,
        "Post",
        "What happens when an engine fails",
        "Pilots train for years for the moment an engine stops. The 64 passengers on Monday's flight felt a "
        "bang and saw smoke before the crew shut the engine down.",
    ),
]


def test_the_figure_most_outlets_give_is_the_answer_and_only_it_corroborates():
    answer = answer_story_question(articles=FLIGHT, question="How many passengers were on the flight?")
    assert [c.article_id for c in answer.citations] == [41, 42, 43]
    assert all("64 passengers" in c.sentence for c in answer.citations)


def test_who_uses_the_names_the_entity_stage_found():
    articles = [
        StoryArticle(
            51,
            "Wire",
            "Rates rise",
            "The Reserve Bank of Australia lifted its cash rate to 4.35 percent from 4.1 percent. "
            "Economists in Sydney had expected the move.",
        ),
        StoryArticle(
            52,
            "Ledger",
            "Bank lifts rates",
            "Markets barely moved. Governor Philippa Vance, a former deputy who took over eight months ago, "
            "said the board had weighed the risk to households carefully before it raised the rate at the "
            "bank's meeting.",
        ),
    ]
    names = {
        "Reserve Bank of Australia": "org",
        "Australia": "place",
        "Sydney": "place",
        "Philippa Vance": "person",
    }
    answer = answer_story_question(
        articles=articles, question="Who is the governor of the Reserve Bank?", names=names
    )
    assert answer.citations[0].article_id == 52 and "Philippa Vance" in answer.citations[0].sentence
