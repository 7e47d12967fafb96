"""The data files are read in one place, once each."""

from __future__ import annotations

import sys

from gazette.text.lexicons import DATA, word_list

_OPENED: list[str] = []
_WATCHING = False


def _audit(event: str, args: tuple) -> None:
    if _WATCHING and event == "open" and isinstance(args[0], str):
        _OPENED.append(args[0])


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one records only while watching


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
