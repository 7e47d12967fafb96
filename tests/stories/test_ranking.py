"""Headline keywords and top-story ranking: pure functions over candidates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gazette.stories.keywords import headline_keywords
from gazette.stories.ranking import Candidate, top_stories_rank, top_stories_score

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def test_headline_keywords_drop_stopwords_and_duplicates():
    assert headline_keywords("The bridge: what we know about the Bridge vote in 2026") == [
        "bridge",
        "know",
        "vote",
        "2026",
    ]
    assert headline_keywords("") == []


def test_headline_keywords_fold_accents_and_typographic_quotes():
    assert headline_keywords("Floods hit São Paulo’s poorest") == headline_keywords(
        "Floods hit Sao Paulo's poorest"
    )
    assert headline_keywords("Floods hit Sao Paulo's poorest") == ["floods", "hit", "sao", "paulo", "poorest"]


def test_score_rewards_coverage_and_punishes_age():
    assert top_stories_score(age_hours=1, coverage=3) > top_stories_score(age_hours=1, coverage=0)
    assert top_stories_score(age_hours=1, coverage=0) > top_stories_score(age_hours=10, coverage=0)


def _cand(i, source, title, hours):
    return Candidate(i, source, title, NOW - timedelta(hours=hours))


def test_rank_prefers_widely_covered_and_folds_duplicates():
    candidates = [
        _cand(1, 1, "Cat show opens downtown", 0.5),
        _cand(2, 2, "Earthquake hits Puerto Salinas", 3),
        _cand(3, 3, "Puerto Salinas earthquake toll rises", 2.5),
        _cand(4, 4, "Rescuers in Puerto Salinas after earthquake", 2),
        _cand(5, 5, "Markets calm", 30),
    ]
    ranked = top_stories_rank(candidates, now=NOW, limit=5)
    assert ranked[0].article_id in {2, 3, 4}
    assert ranked[0].coverage == 2
    ids = [s.article_id for s in ranked]
    assert len({2, 3, 4} & set(ids)) == 1
    assert ids.index(1) < ids.index(5)


def test_rank_counts_sources_not_articles():
    candidates = [
        _cand(1, 1, "Harbour bridge vote passes", 1),
        _cand(2, 1, "Harbour bridge vote: reactions", 1),
    ]
    assert top_stories_rank(candidates, now=NOW)[0].coverage == 0
