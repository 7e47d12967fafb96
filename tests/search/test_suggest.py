"""Spelling suggestions from the index's own vocabulary."""

from __future__ import annotations

import pytest

from gazette.search.suggest import search_suggestion
from tests.web.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    make_article(title="Voltaris recalls 310,000 electric SUVs", body="A battery software fault.")
    make_article(title="Measles outbreak reaches 23 cases", body="Clinics open at three schools.")
    make_article(title="Probe reaches Jupiter", body="After a long burn, the probe entered orbit.")
    make_article(title="A meal to remember", body="The chef cooked all night.")


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("voltariss", "voltaris"),
        ("jupitor", "jupiter"),
        # "meal" is nearer "mealses", but "meal outbreak" finds nothing: the suggestion must find articles.
        ("mealses outbreak", "measles outbreak"),
        ("Voltariss recall", "voltaris recall"),
    ],
)
def test_misspelt_words_are_corrected_from_the_index(articles, typed, suggested):
    assert search_suggestion(q=typed) == suggested


@pytest.mark.parametrize("typed", ["recall", "zzzqqxx", "the", "jupiter zzzqqxx", ""])
def test_no_suggestion_for_known_or_hopeless_words(articles, typed):
    assert search_suggestion(q=typed) is None


def test_suggestions_follow_the_index():
    assert search_suggestion(q="voltariss") is None
    make_article(title="Voltaris recalls 310,000 electric SUVs", body="A battery software fault.")
    assert search_suggestion(q="voltariss") == "voltaris"
