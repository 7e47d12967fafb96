"""Stories on the site: full coverage, digest fragment, front page top stories, story list, blindspots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gazette.ai.models import StoryDigest
from gazette.stories.coverage import blindspots_find, label_breakdown
from gazette.stories.models import Related
from gazette.stories.ranking import StoryCandidate, stories_rank
from gazette.web.views import stories as story_views
from tests.web.factories import make_article, make_source, make_story

pytestmark = pytest.mark.django_db

DIGEST = {
    "first": {"article_id": 0, "source": "Meridian Wire", "sentence": "A quake struck before dawn."},
    "agreed": [
        {
            "text": "The quake struck Puerto Salinas before dawn.",
            "citations": [
                {"article_id": 0, "source": "Meridian Wire", "sentence": "A quake struck before dawn."},
                {"article_id": 0, "source": "The Harbor Ledger", "sentence": "It hit before dawn."},
            ],
        }
    ],
    "differences": [
        {
            "about": "dead",
            "figures": [
                {"value": "4", "sources": ["Meridian Wire"], "article_ids": [0]},
                {
                    "value": "7",
                    "sources": ["The Harbor Ledger"],
                    "article_ids": [0],
                    "quotes": ["Seven people died, officials said."],
                },
            ],
        }
    ],
    "outlets": 2,
}


@pytest.fixture
def quake_story():
    wire = make_source("Meridian Wire", country="Spain", lean="centre", ownership="cooperative")
    ledger = make_source("The Harbor Ledger", country="Chile", lean="left")
    pinewood = make_source("Pinewood Herald")
    first = make_article(wire, title="Quake strikes Puerto Salinas", ago=timedelta(hours=3))
    second = make_article(
        ledger, title="Rescuers dig through rubble in Puerto Salinas", ago=timedelta(hours=2)
    )
    copy = make_article(
        pinewood, title="Wire: quake hits port city", ago=timedelta(hours=1), duplicate_of=first
    )
    story = make_story([first, second, copy], title="Quake strikes Puerto Salinas")
    return story, first, second, copy


def test_story_page_timeline_copies_and_breakdown(client, quake_story):
    story, first, second, copy = quake_story
    response = client.get(f"/story/{story.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Full coverage" in html and "<h1>Quake strikes Puerto Salinas</h1>" in html
    assert "First reported by" in html and "3 outlets" in html
    # Timeline: originals in time order, each linking to our page and the original; the copy nested.
    assert html.index("Quake strikes Puerto Salinas</a>") < html.index("Rescuers dig through rubble")
    assert f'href="{first.url}"' in html and f'href="{second.url}"' in html
    copies = html.split('<ul class="copies">')[1].split("</ul>")[0]
    assert "copy by" in copies and "Pinewood Herald" in copies and f'href="{copy.url}"' in copies
    # Breakdown by labels: blanks are "unlabelled".
    breakdown = html.split('id="breakdown-title"')[1]
    assert "Spain" in breakdown and "Chile" in breakdown and "unlabelled" in breakdown
    assert "cooperative" in breakdown


def test_story_page_digest_placeholder_then_digest(client, quake_story):
    story, first, second, _ = quake_story
    html = client.get(f"/story/{story.pk}/").content.decode()
    assert "Comparing the coverage…" in html
    assert f'hx-get="/story/{story.pk}/digest/?try=1"' in html
    fragment = client.get(f"/story/{story.pk}/digest/?try=1").content.decode()
    assert "?try=2" in fragment and "<html" not in fragment
    data = {**DIGEST}
    data["first"] = {**DIGEST["first"], "article_id": first.pk}
    data["agreed"] = [
        {
            "text": DIGEST["agreed"][0]["text"],
            "citations": [
                {**c, "article_id": a.pk} for c, a in zip(DIGEST["agreed"][0]["citations"], [first, second])
            ],
        }
    ]
    StoryDigest.objects.create(story=story, data=data, article_count=3, method="extractive-overlap")
    ready = client.get(f"/story/{story.pk}/digest/?try=2").content.decode()
    assert "hx-get" not in ready
    assert "The quake struck Puerto Salinas before dawn." in ready
    assert f'href="/article/{second.pk}/"' in ready and "The Harbor Ledger" in ready
    # each figure shows the outlet's sentence on hover; digests stored before quotes were kept still show
    assert (
        "<strong>dead:</strong> <span>4 (Meridian Wire)</span> · "
        '<span title="Seven people died, officials said.">7 (The Harbor Ledger)</span>'
    ) in ready
    assert "First reported by" in ready


def test_digest_not_expected_for_single_outlet(client):
    article = make_article(make_source("Solo News"))
    story = make_story([article])
    html = client.get(f"/story/{story.pk}/").content.decode()
    assert "once a second outlet covers" in html and "hx-get" not in html


def test_digest_polling_gives_up(client, quake_story):
    story = quake_story[0]
    html = client.get(f"/story/{story.pk}/digest/?try={story_views.DIGEST_POLL_TRIES}").content.decode()
    assert "hx-get" not in html and "isn't ready yet" in html


def test_story_404(client):
    assert client.get("/story/12345/").status_code == 404
    assert client.get("/story/12345/digest/").status_code == 404


def test_article_page_shows_story_and_related_from_story(client, quake_story):
    story, first, second, copy = quake_story
    html = client.get(f"/article/{first.pk}/").content.decode()
    # The story is titled by this article's headline, which the line does not repeat.
    assert f'href="/story/{story.pk}/"' in html and "Part of a story" in html
    assert "3 outlets" in html
    related = html.split('id="related-title"')[1]
    # The story's other outlet is related coverage; its copy is listed under "also published by" instead.
    assert "Rescuers dig through rubble" in related
    assert "Wire: quake hits port city" not in related
    assert "Also published by" in html and "Pinewood Herald" in html


def test_related_rows_come_first_with_short_summary(client):
    from tests.web.factories import make_summary

    article = make_article(make_source("Meridian Wire"), title="Harbour bridge approved")
    best = make_article(make_source("Civic Post"), title="Council says yes to the new crossing")
    other = make_article(make_source("Lumen Daily"), title="Bridge vote: what it means")
    make_summary(best, sentences=["Councillors backed the crossing after a long debate."])
    Related.objects.create(article=article, other=other, score=0.5)
    Related.objects.create(article=article, other=best, score=0.9)
    html = client.get(f"/article/{article.pk}/").content.decode()
    related = html.split('id="related-title"')[1]
    assert related.index("Council says yes") < related.index("Bridge vote")
    assert "Councillors backed the crossing after a long debate." in related


def test_front_page_top_stories_are_stories(client, quake_story):
    story = quake_story[0]
    html = client.get("/").content.decode()
    top = html.split('id="top-title"')[1].split("</section>")[0]
    assert "Quake strikes Puerto Salinas" in top
    assert "3 outlets" in top and f'href="/story/{story.pk}/"' in top and "Full coverage" in top


def test_stories_rank_prefers_fresh_and_widely_covered():
    now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    candidates = [
        StoryCandidate(1, outlets=1, last_article_at=now - timedelta(minutes=30)),
        StoryCandidate(2, outlets=6, last_article_at=now - timedelta(hours=1)),
        StoryCandidate(3, outlets=8, last_article_at=now - timedelta(days=2)),
    ]
    assert stories_rank(candidates, now=now) == [2, 1, 3]
    assert stories_rank(candidates, now=now, limit=1) == [2]


def test_story_list(client, quake_story):
    assert "No stories yet" not in client.get("/stories/").content.decode()
    html = client.get("/stories/").content.decode()
    assert "Quake strikes Puerto Salinas" in html and "3 outlets" in html
    assert client.get("/stories/?page=99").status_code == 200


def test_story_list_empty(client):
    assert "No stories yet" in client.get("/stories/").content.decode()


def test_label_breakdown_counts_and_unlabelled():
    left = make_source("A", lean="left", country="UK")
    right = make_source("B", lean="right", country="UK")
    blank = make_source("C")
    lean = {b.name: b for b in label_breakdown([left, right, blank])}["Lean"]
    assert [(r.value, r.count) for r in lean.rows] == [("left", 1), ("right", 1), ("unlabelled", 1)]
    country = {b.name: b for b in label_breakdown([left, right, blank])}["Country"]
    assert [(r.value, r.count, r.percent) for r in country.rows] == [("UK", 2, 67), ("unlabelled", 1, 33)]


def test_blindspots(client):
    left1 = make_source("Left One", lean="left")
    left2 = make_source("Left Two", lean="left")
    right1 = make_source("Right One", lean="right")
    unlabelled = make_source("Plain")
    one_sided = make_story(
        [make_article(left1, title="Only the left covered this"), make_article(left2, title="Left again"),
         make_article(unlabelled, title="Plain also")]
    )  # fmt: skip
    make_story([make_article(left1, title="Both sides covered"), make_article(right1, title="Right too")])
    make_story([make_article(left2, title="A single labelled outlet")])
    found = blindspots_find()
    assert [b.story.pk for b in found] == [one_sided.pk]
    assert found[0].lean == "left" and found[0].outlets == 3
    html = client.get("/blindspots/").content.decode()
    assert "Only the left covered this" in html and "Both sides covered" not in html
    assert 'Covered only by sources labelled <strong class="lean">left</strong>' in html
    assert "set by this site's operator" in html


def test_blindspots_need_two_lean_values(client):
    a = make_source("Left One", lean="left")
    b = make_source("Left Two", lean="left")
    make_story([make_article(a), make_article(b, title="Another")])
    assert blindspots_find() == []
    html = client.get("/blindspots/").content.decode()
    assert "at least two different lean labels" in html
