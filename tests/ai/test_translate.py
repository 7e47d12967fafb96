"""Translation: chunking within a context window, language choice, and the no-LLM / failure / budget paths."""

import pytest

from gazette.ai.llm import LLMError, llm_gateway
from gazette.ai.translate import (
    TranslateError,
    chunks_split,
    language_name,
    language_pick,
    translate_text,
)

from .test_ask import ScriptedLLM

TEXT = "\n\n".join(
    f"Paragraph {i} says something about the harbour bridge and its cost." for i in range(1, 41)
)


def test_chunks_keep_paragraphs_whole_and_within_the_limit():
    chunks = chunks_split(TEXT, max_chars=300)
    assert len(chunks) > 1 and all(len(c) <= 300 for c in chunks)
    assert [p for c in chunks for p in c.split("\n\n")] == TEXT.split("\n\n")


def test_a_long_paragraph_is_cut_between_sentences_then_words():
    paragraph = " ".join(f"Sentence number {i} is here." for i in range(60))
    chunks = chunks_split(paragraph, max_chars=200)
    assert all(len(c) <= 200 for c in chunks)
    assert all(c.endswith("here.") for c in chunks)
    assert " ".join(chunks) == paragraph
    words = chunks_split("word " * 200, max_chars=50)
    assert all(len(c) <= 50 for c in words) and " ".join(words).split() == ["word"] * 200


def test_language_pick_and_name():
    assert language_pick("de-at") == "de"
    assert language_pick("zh-hant") == "zh-hans"
    assert language_pick("pt-br") == "pt"
    assert language_pick("xx") == language_pick(None) == "en"
    assert language_name("de") == "German" and language_name("Klingon") == "Klingon"


class Echo(ScriptedLLM):
    def chat(self, messages, *, max_tokens=256, temperature=0.0):
        self.prompts.append(messages)
        return messages[1]["content"].upper()


def test_every_chunk_is_sent_and_the_reply_joined():
    llm = Echo("")
    result = translate_text(text=TEXT, target_language="fr", llm=llm)
    assert len(llm.prompts) > 1  # the default chunk size splits 40 paragraphs
    assert "into French" in llm.prompts[0][0]["content"]
    assert result.split("\n\n") == [p.upper() for p in TEXT.split("\n\n")]


def test_never_translates_without_an_llm():
    with pytest.raises(TranslateError, match="none is configured"):
        translate_text(text=TEXT, target_language="fr", llm=None)


def test_llm_failure_is_a_reader_message():
    with pytest.raises(TranslateError, match="not answering") as info:
        translate_text(text=TEXT, target_language="fr", llm=ScriptedLLM(LLMError("refused")))
    assert "refused" not in str(info.value)  # internal detail stays in the log


@pytest.mark.django_db
def test_the_gateway_charges_every_chunk_and_stops_at_the_limit(chat_endpoint, settings):
    chat_endpoint.configure(settings, daily_limit=1)
    with pytest.raises(TranslateError, match="used up today's machine translations"):
        translate_text(text=TEXT, target_language="de", llm=llm_gateway())
    assert len(chat_endpoint.calls) == 1  # the second chunk was refused before it was sent


def test_empty_reply_is_an_error():
    with pytest.raises(TranslateError, match="empty"):
        translate_text(text="Hello.", target_language="de", llm=ScriptedLLM(""))
