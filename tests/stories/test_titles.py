"""Story titles: the first report of the best tier, news before clickbait before analysis."""

from __future__ import annotations

import pytest

from gazette.stories.titles import CLICKBAIT, NEWS, VIEW, headline_tier, story_title

NEWS_HEADLINES = [
    "Wildfire forces 12,000 to flee homes near Spanish town of Valdecorzo",
    "Magnitude 6.4 earthquake strikes near Chilean port, at least four dead",
    "At least 12 dead as storm hits coast",
    "Police link museum raid to gang suspected in two earlier art thefts",
]
VIEW_HEADLINES = [
    "Valdecorzo fire revives row over cuts to Spain's forest management budgets",
    "Valdecorzo blaze shows how drought and heat are reshaping Spain's fire season",
    "Chile earthquake: what we know about the Puerto Salinas quake",
    "Rate hike explained: what a 0.25-point rise means for your loan",
    "Why Karadere's old stone houses crumbled while its newer blocks stood",
    "Foldable phones are getting better. Are they finally worth it?",
    "5 things to know about Perihelion-2, the spacecraft now orbiting Jupiter",
    "Analysis: the coalition math after the election",
]


@pytest.mark.parametrize("title", NEWS_HEADLINES)
def test_news_headlines_are_news(title):
    assert headline_tier(title) == NEWS


@pytest.mark.parametrize("title", VIEW_HEADLINES)
def test_analysis_opinion_and_explainer_headlines_are_views(title):
    assert headline_tier(title) == VIEW


def test_a_shouting_headline_ranks_between_news_and_views():
    assert headline_tier("SHOCK HORROR as BLAZE engulfs holiday towns") == CLICKBAIT


def test_the_first_report_is_kept_when_later_news_arrives():
    first = NEWS_HEADLINES[0]
    later = [
        "Valdecorzo wildfire: 12,000 flee homes near Valdecorzo as fire spreads near Valdecorzo",
        "Fire near Valdecorzo forces 12,000 from homes",
    ]
    assert story_title([first]) == first
    assert story_title([first, *later]) == first


def test_an_analysis_title_gives_way_to_news_but_news_never_to_analysis():
    view, news = VIEW_HEADLINES[0], NEWS_HEADLINES[0]
    assert story_title([view]) == view
    assert story_title([view, news]) == news
    assert story_title([news, view, VIEW_HEADLINES[1]]) == news
    assert story_title([view, VIEW_HEADLINES[1], news]) == news


def test_plain_news_is_preferred_to_a_shouting_first_report():
    shouting = "SHOCK HORROR as BLAZE engulfs holiday towns"
    assert story_title([shouting, VIEW_HEADLINES[0]]) == shouting
    assert story_title([shouting, NEWS_HEADLINES[0]]) == NEWS_HEADLINES[0]


def test_no_headlines_no_title():
    assert story_title([]) == ""
