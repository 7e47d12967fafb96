"""Cited answers over the demo corpus (bench/answers.py): the floors the bench's --gate holds."""

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_answers", REPO / "bench" / "answers.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_answers_about_articles_and_stories_hold_their_floors():
    bench = _bench()
    per_article, per_story = bench.scores()
    assert per_story.answerable >= 30 and per_story.unanswerable >= 5
    assert per_article.top_rate >= bench.GATE_TOP_CITATION
    assert per_story.top_rate >= bench.GATE_STORY_TOP_CITATION
    assert min(per_article.declined_rate, per_story.declined_rate) >= bench.GATE_DECLINED
