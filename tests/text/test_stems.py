"""Stems from the Snowball English stemmer, and terms: stemmed content words."""

from __future__ import annotations

import threading

from gazette.text.stems import stem, terms


def test_stem_folds_inflections():
    assert stem("killed") == stem("kills") == stem("killing") == stem("kill")
    assert stem("rescued") == stem("rescue")
    assert stem("running") == stem("run")
    assert stem("savings") == stem("save")
    assert stem("universities") == stem("university")


def test_terms_drop_stopwords_single_letters_and_possessives():
    assert terms("The mayor's office said it would reopen") == [stem("mayor"), stem("office"), stem("reopen")]
    assert terms("a b c") == []


def test_stems_agree_across_threads():
    words = [f"{w}{suffix}" for w in ("walk", "jump", "report", "charg") for suffix in ("", "s", "ed", "ing")]
    expected = [stem(w) for w in words]
    results: list[list[str]] = []

    def run() -> None:
        results.append([stem(w + "") for w in reversed(words)][::-1])

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4
