"""The story state saved as a snapshot and a journal of each batch's changes (stories/state.py)."""

from __future__ import annotations

import pickle
import random
from collections import Counter, OrderedDict
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from gazette.articles.models import Article
from gazette.stories import engine as story_engine
from gazette.stories.engine import EngineOptions, StaleState, StoryEngine, engine_reset
from gazette.stories.models import EngineState, EngineStateChunk
from gazette.stories.state import StateJournal, changes_apply, state_finish
from tests.web.factories import make_article, make_source

# Six made-up events, each told by five outlets in their own words around the same names and figures.
EVENTS = [
    ("Volmarsk", "Ilse Brandvik", "dam", "burst", 41, "flooded three villages along the Tarn river"),
    ("Quenbury", "Marco Delacroix", "refinery", "fire", 12, "sent a smoke plume over the harbour"),
    ("Ostrava Nova", "Hana Kepler", "metro", "strike", 9000, "left commuters stranded for a second day"),
    ("Port Elsmere", "Tomas Rieger", "ferry", "capsize", 230, "prompted a search by coastguard divers"),
    ("Karlsfeld", "Amira Osei", "election", "recount", 57, "delayed the result by a week"),
    ("Brightwater", "Lena Sorvik", "vaccine", "recall", 300000, "emptied pharmacy shelves in the region"),
]
ANGLES = [
    "{who} said on Monday that the {what} {how} in {where} {tail}, with {n} people affected.",
    "Officials in {where} confirmed the {what} {how}; {who} put the number at {n} and said it {tail}.",
    "The {what} {how} near {where} {tail}, {who} told reporters, adding that {n} were involved.",
    "Residents of {where} described how the {what} {how} {tail}. {who} said {n} had been counted.",
    "In {where}, {who} ordered an inquiry after the {what} {how}, which {tail}; {n} affected so far.",
]


def event_articles(sources, events, ago_hours: int) -> list[int]:
    """Enriched, unassigned articles for the given events, interleaved as they would arrive."""
    ids = []
    for angle, text in enumerate(ANGLES):
        for e in events:
            where, who, what, how, n, tail = EVENTS[e]
            body = " ".join(
                ANGLES[(angle + k) % len(ANGLES)].format(
                    where=where, who=who, what=what, how=how, n=n, tail=tail
                )
                for k in range(3)
            )
            article = make_article(
                sources[(angle + e) % len(sources)],
                title=f"{where} {what} {how}: {who} speaks",
                body=body,
                ago=timedelta(hours=ago_hours, minutes=-angle * 7),
            )
            ids.append(article.pk)
    Article.objects.filter(pk__in=ids).update(enriched_at=timezone.now())
    return ids


@pytest.fixture
def sources(settings):
    settings.GAZETTE_EMBEDDINGS = False
    engine_reset()
    return [make_source(f"Outlet {i}") for i in range(4)]


def assign_all(engine: StoryEngine) -> dict[int, str]:
    """Run batches until none is left; each article's story as the clusterer numbers it."""
    assigned: list[int] = []
    while ids := engine.assign_pending()[0]:
        assigned += ids
    return {pk: engine.clusterer.story_of[str(pk)] for pk in assigned}


def assign_and_undo(engine: StoryEngine) -> dict[int, str]:
    """What `engine` would make of the pending articles; the database is left as it was."""
    with pytest.raises(RuntimeError), transaction.atomic():
        out = assign_all(engine)
        raise RuntimeError("undo")
    return out


@pytest.mark.django_db
def test_a_state_saved_over_several_batches_loads_as_kept_in_memory(sources):
    event_articles(sources, [0, 1, 2, 3], ago_hours=40)
    assign_all(StoryEngine.load(EngineOptions(batch=100)))  # a first snapshot, in one batch
    options = EngineOptions(batch=2)
    event_articles(sources, [0, 1, 2], ago_hours=30)
    kept = StoryEngine.load(options)
    assign_all(kept)
    chunks = list(EngineStateChunk.objects.order_by("version").values_list("version", "snapshot"))
    assert sum(snapshot for _, snapshot in chunks) == 1 and len(chunks) > 3  # one snapshot, then changes
    assert [v for v, _ in chunks] == list(range(chunks[0][0], kept.version + 1))

    loaded = StoryEngine.load(options)
    assert loaded.version == kept.version
    assert loaded.clusterer.stories() == kept.clusterer.stories()
    assert list(loaded.clusterer.open) == list(kept.clusterer.open)
    assert loaded._keys == kept._keys and loaded._snapshot == kept._snapshot
    assert all(loaded.clusterer.open[i] is loaded.clusterer.all_stories[i] for i in loaded.clusterer.open)

    # The same next articles, old events and new: both engines put each in the same story.
    event_articles(sources, [0, 3, 4, 5], ago_hours=20)
    expected = assign_and_undo(kept)
    assert len(set(expected.values())) >= 4
    assert assign_all(loaded) == expected


@pytest.mark.django_db
def test_a_state_compacted_into_a_snapshot_loads_as_kept(sources, monkeypatch):
    monkeypatch.setattr(story_engine, "JOURNAL_PER_SNAPSHOT", 0)  # every batch writes a snapshot
    options = EngineOptions(batch=5)
    event_articles(sources, [0, 1], ago_hours=30)
    kept = StoryEngine.load(options)
    assign_all(kept)
    assert list(EngineStateChunk.objects.values_list("version", "snapshot")) == [(kept.version, True)]
    loaded = StoryEngine.load(options)
    event_articles(sources, [1, 2], ago_hours=20)
    expected = assign_and_undo(kept)
    assert assign_all(loaded) == expected


@pytest.mark.django_db
def test_a_stale_writer_is_refused_and_writes_nothing(sources):
    options = EngineOptions(batch=5)
    first, second = StoryEngine.load(options), StoryEngine.load(options)
    ids = event_articles(sources, [0, 1], ago_hours=10)
    assign_all(first)
    saved = list(EngineStateChunk.objects.order_by("version").values_list("version", "snapshot", "data"))
    event_articles(sources, [2], ago_hours=5)
    with pytest.raises(StaleState):
        second.assign_pending()
    with pytest.raises(StaleState):
        second.stories_merge(list(first._keys.values())[:1], into="elsewhere")
    assert (
        list(EngineStateChunk.objects.order_by("version").values_list("version", "snapshot", "data")) == saved
    )
    assert EngineState.objects.get().version == first.version
    assert StoryEngine.load(options).clusterer.stories() == first.clusterer.stories()
    assert set(first.clusterer.story_of) == {str(pk) for pk in ids}


@pytest.mark.django_db
def test_a_cold_start_replaces_the_journal_of_a_lost_state(sources):
    options = EngineOptions(batch=4)
    event_articles(sources, [0, 1], ago_hours=10)
    assign_all(StoryEngine.load(options))
    EngineState.objects.all().delete()  # the head row lost: the window is replayed
    replayed = StoryEngine.load(options)
    assert list(EngineStateChunk.objects.values_list("version", "snapshot")) == [(1, True)]
    assert StoryEngine.load(options).clusterer.stories() == replayed.clusterer.stories()


class Holder:
    def __init__(self) -> None:
        self.flat: dict[int, float] = {}
        self.deep: dict[str, Counter[int]] = {"a": Counter(), "b": Counter()}
        self.rows: list[int] = []
        self.items: dict[int, list[int]] = {}
        self.live: OrderedDict[int, list[int]] = OrderedDict()
        self.count = 0


HOLDER_SPEC = {"flat": 1, "deep": 2, "rows": "list", "items": 1, "live": ("keys", "items")}


@pytest.mark.parametrize("seed", range(5))
def test_applied_changes_give_the_same_values_and_order_as_in_memory(seed):
    rng = random.Random(seed)
    kept, journal = Holder(), StateJournal()
    loaded = pickle.loads(pickle.dumps(kept))
    journal.changes(kept, HOLDER_SPEC)
    for _ in range(200):
        for _ in range(15):
            key, roll = rng.randrange(30), rng.random()
            if roll < 0.3:
                kept.flat[key] = rng.random()
            elif roll < 0.45:
                kept.flat.pop(key, None)
            elif roll < 0.55 and key in kept.flat:
                kept.flat[key] = kept.flat.pop(key)  # to the end
            elif roll < 0.65:
                kept.deep[rng.choice("ab")][key] += 1
            elif roll < 0.75:
                kept.rows.append(key)
            elif roll < 0.8 and kept.rows:
                del kept.rows[rng.randrange(len(kept.rows)) :]
            elif roll < 0.9:
                kept.items.setdefault(key, []).append(key)
                kept.live[key] = kept.items[key]
                kept.live.move_to_end(key)
            elif kept.live:
                kept.live.popitem(last=False)
            else:
                kept.count += 1
        changes_apply(loaded, pickle.loads(pickle.dumps(journal.changes(kept, HOLDER_SPEC))), HOLDER_SPEC)
    state_finish(loaded, HOLDER_SPEC)
    assert list(loaded.flat.items()) == list(kept.flat.items())
    assert {s: list(c.items()) for s, c in loaded.deep.items()} == {
        s: list(c.items()) for s, c in kept.deep.items()
    }
    assert loaded.rows == kept.rows and loaded.items == kept.items and loaded.count == kept.count
    assert list(loaded.live) == list(kept.live)
    assert all(loaded.live[k] is loaded.items[k] for k in loaded.live)
