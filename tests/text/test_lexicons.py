"""The data files are read in one place, once each."""

from __future__ import annotations

import json
import sys

from gazette.stories.topics import TOPICS
from gazette.text.lexicons import DATA, lexicon, word_list

_OPENED: list[str] = []
_WATCHING = False


def _audit(event: str, args: tuple) -> None:
    if _WATCHING and event == "open" and isinstance(args[0], str):
        _OPENED.append(args[0])


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one records only while watching


def test_the_taxonomy_is_read_from_its_data_file_once():
    global _WATCHING
    lexicon.cache_clear()
    _OPENED.clear()
    _WATCHING = True
    try:
        first = lexicon("topics")
        second = lexicon("topics")
    finally:
        _WATCHING = False
    assert [p for p in _OPENED if p.endswith("topics.json")] == [str(DATA / "topics.json")]
    assert first is second
    on_disk = json.loads((DATA / "topics.json").read_text("utf-8"))
    assert tuple(topic["name"] for topic in on_disk["topics"]) == TOPICS
    assert "_about" not in first


def test_a_word_list_is_read_from_its_data_file_once():
    global _WATCHING
    word_list.cache_clear()
    _OPENED.clear()
    _WATCHING = True
    try:
        first = word_list("stopwords")
        second = word_list("stopwords")
    finally:
        _WATCHING = False
    assert [p for p in _OPENED if p.endswith("stopwords.txt")] == [str(DATA / "stopwords.txt")]
    assert first is second


def test_word_lists_skip_comments():
    words = word_list("stopwords")
    assert "the" in words
    assert not any(w.startswith("#") for w in words)
