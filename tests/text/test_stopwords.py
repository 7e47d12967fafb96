"""The one stopword list: what it holds, and that the tokenizer can produce every entry."""

from __future__ import annotations

from gazette.text.stopwords import STOPWORDS
from gazette.text.tokens import words


def test_function_words_contractions_and_attribution_are_stopwords():
    assert {"the", "of", "which", "whom", "don't", "won't", "said", "according", "mr"} <= STOPWORDS


def test_words_that_answer_questions_are_not_stopwords():
    # "How many people died?" is answered by the sentence that counts people; "won" is a verb.
    assert not {"people", "time", "won", "killed", "earthquake"} & STOPWORDS


def test_every_entry_is_one_word_as_the_tokenizer_gives_it():
    assert [w for w in sorted(STOPWORDS) if words(w) != [w]] == []
