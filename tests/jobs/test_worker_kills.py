"""A worker killed outright inside each stage (page fetch, extraction, enrichment, story assignment,
summarising), then a fresh worker: nothing lost, nothing duplicated, every article through every stage.

Each test knows from outside, without any hook in the code, that the worker is inside the stage when
it kills it:
- fetch: the teasers are stored with their feed's text, the test server holds an article page
  request the worker's fetch stage sent, and answers none yet;
- extraction: more article pages have been answered than articles have their page's text stored, and
  the worker's extraction processes are busy (the pages carry a long menu to read through);
- enrichment, stories, summaries: the stage's work was left queued by a worker for the stages before
  it, a worker for that queue alone has taken the oldest job, and none of the stage's work is stored.
Recovery is the product's own: the claim of a source whose poll was cut short lapses
(GAZETTE_POLL_LEASE), so do the host slots its page requests held (GAZETTE_HOST_LEASE), and the
scheduler's sweep queues again what a lost job left unfinished (a page fetch included).
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from tests.jobs.faultkit import (
    Database,
    Publishers,
    children_cpu,
    database_prepare,
    env,
    kill,
    logs,
    start,
    stop,
    stop_all,
    wait,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# The first queue of each stage's tests: the stages before it run to the end, then its own worker.
EARLIER = {"enrich": "poll,fetch", "stories": "poll,fetch,enrich", "ai": "poll,fetch"}
DONE = {
    "enrich": "select count(enriched_at) from articles_article",
    "stories": "select count(clustered_at) from articles_article",
    "ai": "select count(*) from ai_articlesummary",
}
# Teaser outlets, whose pages are fetched, and a full-text one: fewer articles keep each test short.
OUTLETS = ["harbor-ledger", "pinewood-herald", "lumen-business", "techfront"]


def _stored_by(db: Database, slug: str) -> int:
    return db.one(
        "select count(*) from articles_article a join sources_source s on s.id = a.source_id"
        " where s.feed_url like %s",
        (f"%/{slug}/%",),
    )[0]


def _pages_pending(db: Database) -> int:
    return db.one("select count(*) from articles_article where page_pending")[0]


def _pages_stored(db: Database) -> int:
    return db.one("select count(*) from articles_rawpage")[0]


def _oldest_job(db: Database, queue: str) -> int | None:
    return db.one("select min(id) from jobs_queuedtask where queue = %s", (queue,))[0]


def _job_waiting(db: Database, job_id: int) -> bool:
    return db.one("select count(*) from jobs_queuedtask where id = %s", (job_id,))[0] == 1


@pytest.mark.parametrize("stage", ["fetch", "extract", "enrich", "stories", "ai"])
def test_a_worker_killed_inside_a_stage_loses_and_duplicates_nothing(stage, tmp_path):
    db = Database.for_test(tmp_path)
    with Publishers(OUTLETS) as publishers:
        expected = publishers.expected()
        environment = env(
            GAZETTE_DATA_DIR=str(tmp_path),
            DATABASE_URL=db.url,
            GAZETTE_JOBS_SWEEP_AFTER="3",
            GAZETTE_POLL_LEASE="8",
            # The host slots a worker killed mid-request held lapse after this (by default after the
            # longest a fetch may take, minutes): with both of a host's slots held by the dead worker,
            # the fresh one could read none of its pages before the test's time is up.
            GAZETTE_HOST_LEASE="5",
            GAZETTE_EXTRACT_PROCESSES="2",
        )
        database_prepare(db, publishers, environment)
        procs = [start(["scheduler"], environment, log=tmp_path / "scheduler.log")]
        try:
            if stage in ("fetch", "extract"):
                _kill_inside_a_poll(stage, db, publishers, environment, tmp_path)
            else:
                _kill_inside_a_queue(stage, db, expected, environment, tmp_path)
            procs.append(start(["worker"], environment, log=tmp_path / "fresh-worker.log"))
            full = (expected,) * 7
            try:
                wait(
                    lambda: db.progress() == full,
                    timeout=150,
                    progress=db.progress,
                    what=f"all {expected} articles through every stage",
                )
            except AssertionError as exc:
                raise AssertionError(f"{exc}; at {db.progress()}\n{logs(tmp_path)}") from None
            assert _pages_pending(db) == 0, "an article's page was never read"
            teasers = sum(_stored_by(db, slug) for slug in publishers.teaser_slugs())
            assert _pages_stored(db) >= teasers, "a teaser was left with its feed's text"
            guids = Counter(db.rows("select source_id, guid from articles_article"))
            assert max(guids.values()) == 1, "an article was stored twice"
            failing = db.rows("select feed_url, last_error from sources_source where consecutive_errors > 0")
            assert not failing, "a source was backed off because its worker died"
        finally:
            unclean = stop_all({f"{i}: {' '.join(proc.args)}": proc for i, proc in enumerate(procs)})
            assert not unclean, f"{unclean} did not stop cleanly\n{logs(tmp_path)}"


def _kill_inside_a_poll(
    stage: str, db: Database, publishers: Publishers, environment: dict[str, str], tmp_path: Path
) -> None:
    """Kill a poll and fetch worker while it waits for an article page, or while it extracts pages."""
    teasers = publishers.teaser_slugs()
    if stage == "fetch":
        publishers.hold.set()  # article pages answer nothing until the worker is dead
    else:
        publishers.nav_links = 2000
    worker = start(["worker", "--queues", "poll,fetch"], environment, log=tmp_path / "poll-worker.log")

    def inside() -> bool:
        if stage == "fetch":
            return publishers.pages_in_flight() > 0 and _pages_pending(db) > 0
        served = sum(publishers.pages_served(slug) for slug in teasers)
        if served > _pages_stored(db):
            before = children_cpu(worker.pid)
            time.sleep(0.2)
            return children_cpu(worker.pid) > before and served > _pages_stored(db)
        return False

    try:
        wait(inside, timeout=90, what=f"the worker inside {stage}", every=0.1)
    finally:
        kill(worker)
    publishers.hold.clear()
    publishers.nav_links = 0
    assert _pages_pending(db) > 0, f"the kill came too late: every page had been read ({stage})"


def _kill_inside_a_queue(
    stage: str, db: Database, expected: int, environment: dict[str, str], tmp_path: Path
) -> None:
    """Leave a stage's jobs queued, then kill the worker of that queue inside its first job."""
    earlier = start(["worker", "--queues", EARLIER[stage]], environment, log=tmp_path / "earlier-worker.log")
    try:

        def earlier_done() -> bool:
            stored, _, enriched, *_ = db.progress()
            polling = db.one("select count(*) from jobs_queuedtask where queue in ('poll', 'fetch')")[0]
            pages_done = not _pages_pending(db)
            return (
                stored == expected
                and not polling
                and pages_done
                and (stage != "stories" or enriched == expected)
            )

        wait(earlier_done, timeout=120, what=f"the stages before {stage} to finish")
    finally:
        assert stop(earlier) == 0
    first = _oldest_job(db, stage)
    assert first is not None, f"no {stage} job was left queued"
    assert db.one(DONE[stage])[0] == 0
    worker = start(["worker", "--queues", stage], environment, log=tmp_path / f"{stage}-worker.log")
    try:
        wait(
            lambda: not _job_waiting(db, first) and db.one(DONE[stage])[0] == 0,
            timeout=90,
            what=f"the {stage} worker inside its first job",
            every=0.02,
        )
    finally:
        kill(worker)
    assert db.one(DONE[stage])[0] < expected, f"the kill came too late: every article's {stage} was done"
