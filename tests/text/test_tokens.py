"""The one tokenizer: what counts as a word, and what compares equal."""

from __future__ import annotations

from gazette.text.tokens import normalize, pieces, shingles, words


def test_normalize_folds_case_quotes_compatibility_forms_and_accents():
    assert normalize("“Quote” — it’s ＡＢＣ") == '"quote" — it\'s abc'
    assert normalize("São Paulo CAFÉ") == "sao paulo cafe"
    assert normalize("Plain ASCII") == "plain ascii"


def test_words_keep_inner_apostrophes_and_hyphens_and_drop_possessives():
    assert words("The mayor’s off-duty officer didn’t see O’Brien, 9.5 per-cent.") == [
        "the",
        "mayor",
        "off-duty",
        "officer",
        "didn't",
        "see",
        "o'brien",
        "9",
        "5",
        "per-cent",
    ]
    assert words("") == []


def test_words_can_keep_case():
    assert words("Farmers met the farmers’ union", fold_case=False) == [
        "Farmers",
        "met",
        "the",
        "farmers",
        "union",
    ]


def test_pieces_split_at_apostrophes_and_hyphens_too():
    assert pieces("It’s 9.5 per-cent, OK?") == ["it", "s", "9", "5", "per", "cent", "ok"]
    assert pieces("per-cent") == pieces("per cent")


def test_shingles():
    assert shingles(["a", "b", "c"], 2) == {"a b", "b c"}
    assert shingles(["a"], 3) == {"a"}
    assert shingles([], 3) == set()
