"""The keyword topic classifier on hand-written examples."""

from __future__ import annotations

import pytest

from gazette.stories.models import Topic
from gazette.stories.topics import TOPICS, topics_classify


def top(title: str, text: str) -> str:
    return topics_classify(title, text)[0][0]


@pytest.mark.django_db
def test_the_migrated_topics_are_the_taxonomy_in_order():
    rows = Topic.objects.order_by("position").values_list("name", "slug")
    assert list(rows) == [(name, name.lower()) for name in TOPICS]


def test_examples():
    assert (
        top(
            "Senate passes budget bill",
            "Lawmakers voted 52-48; Republicans and Democrats clashed over the bill.",
        )
        == "Politics"
    )
    assert (
        top(
            "Shares slide after earnings miss",
            "Investors sold the stock as quarterly revenue and profit fell.",
        )
        == "Business"
    )
    assert (
        top(
            "New smartphone chip",
            "The processor runs the software faster; the app store and browser get updates.",
        )
        == "Technology"
    )
    assert (
        top(
            "Telescope spots planet",
            "Astronomers and scientists used the telescope to study the planet's orbit.",
        )
        == "Science"
    )
    assert (
        top(
            "Flu outbreak fills hospitals",
            "Doctors said patients with flu symptoms crowd the hospital; a vaccine helps.",
        )
        == "Health"
    )
    assert (
        top(
            "Klitschko keeps heavyweight title",
            "The boxing champion won in the sixth round before 40,000 fans.",
        )
        == "Sport"
    )
    assert (
        top("Actress stars in new movie", "The Hollywood film opens at the box office after its premiere.")
        == "Entertainment"
    )
    assert (
        top(
            "Emissions hit record",
            "Carbon emissions and greenhouse gases drive climate change, scientists warn.",
        )
        == "Climate"
    )


def test_multi_label_scores_are_shares_best_first():
    result = topics_classify(
        "Football club shares jump",
        "Investors bought the stock after the league champions reported record revenue and profit.",
    )
    labels = [t for t, _ in result]
    assert set(labels) >= {"Business", "Sport"}
    scores = [s for _, s in result]
    assert scores == sorted(scores, reverse=True)
    assert abs(sum(scores) - 1.0) < 0.05 or sum(scores) <= 1.0


def test_world_is_the_fallback_for_foreign_news():
    assert topics_classify("Talks in Nairobi", "Delegates from Kenya and Ethiopia met on Tuesday.") == [
        ("World", 1.0)
    ]
    assert (
        top("Ceasefire holds", "The ceasefire brokered by the United Nations held; refugees began to return.")
        == "World"
    )


def test_nothing_to_go_on():
    assert topics_classify("", "") == []


def test_any_country_named_is_a_foreign_news_cue_but_home_ones():
    assert topics_classify("Talks in Wellington", "Delegates from New Zealand and Fiji met.") == [
        ("World", 1.0)
    ]
    # The home countries, and a country named like a place at home ("Georgia"), say nothing foreign.
    assert topics_classify("Storm warning", "Residents of Georgia and the United States braced.") == []
