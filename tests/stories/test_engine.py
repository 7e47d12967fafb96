"""The enrich and story stages over real stored articles: stories, copies, topics, entities, jobs."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

import pytest
from django.utils import timezone

from gazette.accounts.follows import follow_add, following_articles
from gazette.ai.jobs import article_summarize, story_digest
from gazette.ai.models import ArticleSummary, StoryDigest
from gazette.articles.models import Article
from gazette.jobs.engine import jobs_drain
from gazette.jobs.models import JobFailure, QueuedTask
from gazette.jobs.stages import articles_stored, story_digest_job
from gazette.stories import engine as story_engine
from gazette.stories.clustering import ClusterOptions, StoryClusterer
from gazette.stories.engine import engine_reset, stories_assign
from gazette.stories.enrich import articles_enrich
from gazette.stories.models import ArticleEntity, ArticleTopic, EngineState, Story, StoryMember
from tests.web.factories import make_article, make_source

pytestmark = pytest.mark.django_db

QUAKE_A = (
    "A magnitude 6.4 earthquake struck near the Chilean port city of Puerto Salinas before dawn on Monday, "
    "killing at least four people and cutting power to 40,000 homes, Chile's emergency office said. "
    "Rescuers searched collapsed buildings in the old harbour district of Puerto Salinas. "
    "Mayor Ines Carvajal said schools in Puerto Salinas would stay closed while engineers inspect them. "
    "The quake was centred 30 kilometres offshore at a depth of 20 kilometres, the seismological service said."
)
QUAKE_A2 = (
    "Rescue teams in Puerto Salinas pulled two survivors from a collapsed hotel on Monday as the death toll "
    "from the magnitude 6.4 earthquake rose to seven, Chile's emergency office said. Mayor Ines Carvajal "
    "asked residents of Puerto Salinas to stay away from the harbour district, where aftershocks shook "
    "damaged buildings. Power was restored to most of the 38,000 homes that lost it, the utility said."
)
QUAKE_B = (
    "A magnitude 5.9 earthquake hit the mountain town of Karadere in eastern Turkey on Wednesday, "
    "destroying dozens of mud-brick houses and killing two villagers, Turkey's disaster agency said. "
    "Governor Selim Aksoy said tents had been sent to Karadere for 3,000 people who spent the night outdoors. "
    "The quake struck at a shallow depth of eight kilometres near the Karadere valley."
)
MERGER = (
    "Fairfield Markets and Corbel Foods agreed to a $14.2 billion merger on Tuesday, creating the country's "
    "second-largest grocery chain, the companies said in a joint statement. Fairfield shareholders will own "
    "58 percent of the combined company, to be led by Fairfield chief executive Dana Whitlock. "
    "The deal is expected to close next year after review by competition regulators, who have blocked two "
    "grocery mergers since 2019. Corbel shares rose 18 percent in early trading while Fairfield gained 4 percent. "
    "Analysts at Kestrel Research said the combined chain would save about $600 million a year. "
    "Unions representing 90,000 workers at both chains said they would seek guarantees on jobs and stores."
)


QUAKE_VIEW = (
    "The magnitude 6.4 earthquake that struck Puerto Salinas on Monday hit hardest in the old harbour "
    "district, where engineers say most buildings predate Chile's seismic code. Mayor Ines Carvajal has "
    "promised inspections of every school in Puerto Salinas, and the emergency office put the toll at seven. "
    "Residents of the harbour district said cracks from an earlier tremor were never repaired."
)


@pytest.fixture
def engine_settings(settings):
    settings.GAZETTE_EMBEDDINGS = False
    engine_reset()
    return settings


def ingest(*ids: int) -> list[int]:
    """Stages 2 and 3 for stored articles, as the workers run them; returns the stories changed."""
    articles_enrich(list(ids))
    return stories_assign()[1]


def restart() -> None:
    """A restarted (or another) worker: it continues from the saved state."""
    engine_reset()
    stories_assign()


def cold_restart() -> None:
    """A worker on a database with no saved state (an install upgraded from before it was saved)."""
    EngineState.objects.all().delete()
    restart()


def test_same_event_joins_a_story_and_a_same_kind_event_stays_apart(engine_settings):
    ledger, wire, courier = make_source("Ledger"), make_source("Wire"), make_source("Courier")
    a1 = make_article(
        wire, title="Magnitude 6.4 quake strikes near Puerto Salinas", body=QUAKE_A, ago=timedelta(hours=5)
    )
    a2 = make_article(
        ledger, title="Puerto Salinas death toll rises to seven", body=QUAKE_A2, ago=timedelta(hours=3)
    )
    b1 = make_article(
        courier, title="Quake flattens houses in Karadere", body=QUAKE_B, ago=timedelta(hours=2)
    )
    touched = ingest(a1.pk, a2.pk, b1.pk)
    assert touched
    assert StoryMember.objects.get(article=a1).story == StoryMember.objects.get(article=a2).story
    assert StoryMember.objects.get(article=b1).story != StoryMember.objects.get(article=a1).story
    story = StoryMember.objects.get(article=a1).story
    assert story.article_count == 2 and story.source_count == 2
    assert story.first_article == a1 and story.first_reported_at == a1.published_at
    assert ArticleTopic.objects.filter(article=a1, topic__slug="world").exists()
    assert ArticleEntity.objects.filter(article=a1, entity__name__icontains="Puerto Salinas").exists()


def test_syndicated_copy_is_marked_and_replay_after_restart_keeps_stories(engine_settings):
    wire, ledger = make_source("Wire"), make_source("Ledger")
    original = make_article(
        wire, title="Fairfield and Corbel agree $14.2bn merger", body=MERGER, ago=timedelta(hours=4)
    )
    trimmed = MERGER.rsplit(" Unions", 1)[0] + " Sign up for our business newsletter."
    copy = make_article(
        ledger, title="Grocery giants to combine in $14bn deal", body=trimmed, ago=timedelta(hours=2)
    )
    ingest(original.pk, copy.pk)
    copy.refresh_from_db()
    assert copy.duplicate_of == original
    stories_before = dict(StoryMember.objects.values_list("article_id", "story__key"))

    restart()
    assert dict(StoryMember.objects.values_list("article_id", "story__key")) == stories_before
    cold_restart()  # with no saved state the window is replayed, and reaches the same stories
    assert dict(StoryMember.objects.values_list("article_id", "story__key")) == stories_before


def test_stored_articles_queue_the_stages_that_fill_the_ai_tables(engine_settings):
    wire, ledger = make_source("Wire"), make_source("Ledger")
    a1 = make_article(
        wire, title="Magnitude 6.4 quake strikes near Puerto Salinas", body=QUAKE_A, ago=timedelta(hours=5)
    )
    a2 = make_article(
        ledger, title="Puerto Salinas death toll rises to seven", body=QUAKE_A2, ago=timedelta(hours=3)
    )
    articles_stored([a1.pk, a2.pk])  # as the poll's commit does
    assert set(QueuedTask.objects.values_list("queue", flat=True)) == {"enrich", "ai"}
    assert jobs_drain() >= 5  # enrich, stories, two summaries, the digest
    assert Article.objects.filter(enriched_at__isnull=False, clustered_at__isnull=False).count() == 2
    summary = ArticleSummary.objects.get(article=a1)
    assert summary.sentences and summary.method.startswith("extractive")
    digest = StoryDigest.objects.get(story=StoryMember.objects.get(article=a1).story)
    assert digest.data["outlets"] == 2 and digest.data["first"]["article_id"] == a1.pk
    # Which rows the digest shows is tests/ai/test_digest.py's business; here: it was built from both.
    assert isinstance(digest.data["differences"], list)
    assert jobs_drain() == 0 and not QueuedTask.objects.exists()


def test_a_job_that_keeps_failing_is_retried_then_kept_with_its_error(engine_settings):
    story_digest_job("not-a-number")
    jobs_drain()  # retries are delayed; draining runs them at once
    failure = JobFailure.objects.get()
    assert failure.queue == "ai" and failure.task == "story_digest_job"
    assert "ValueError" in failure.error and "'not-a-number'" in failure.args


def test_summary_and_digest_jobs_tolerate_missing_rows(engine_settings):
    article_summarize(123456)
    story_digest(123456)
    assert not ArticleSummary.objects.exists() and not StoryDigest.objects.exists()


def test_the_saved_state_lets_another_worker_continue_and_a_stale_one_reload(engine_settings):
    wire, ledger, courier = make_source("Wire"), make_source("Ledger"), make_source("Courier")
    a1 = make_article(
        wire, title="Magnitude 6.4 quake strikes near Puerto Salinas", body=QUAKE_A, ago=timedelta(hours=5)
    )
    ingest(a1.pk)
    stale = story_engine._ENGINE  # a worker that assigned a1, then sat idle
    engine_reset()  # meanwhile another worker takes the next article
    a2 = make_article(
        ledger, title="Puerto Salinas death toll rises to seven", body=QUAKE_A2, ago=timedelta(hours=3)
    )
    ingest(a2.pk)
    story_engine._ENGINE = stale  # the idle worker wakes for a third article
    b1 = make_article(
        courier, title="Quake flattens houses in Karadere", body=QUAKE_B, ago=timedelta(hours=2)
    )
    ingest(b1.pk)
    assert StoryMember.objects.get(article=a1).story == StoryMember.objects.get(article=a2).story
    assert StoryMember.objects.get(article=b1).story != StoryMember.objects.get(article=a1).story
    assert EngineState.objects.get().version == 4  # the first, empty state, then one per batch


def test_an_original_arriving_after_its_copy_takes_its_place(engine_settings):
    wire, ledger = make_source("Wire"), make_source("Ledger")
    trimmed = MERGER.rsplit(" Unions", 1)[0] + " Read more: what the deal means for shoppers."
    copy = make_article(ledger, title="Grocery giants to combine", body=trimmed, ago=timedelta(hours=2))
    ingest(copy.pk)
    original = make_article(
        wire, title="Fairfield and Corbel agree merger", body=MERGER, ago=timedelta(hours=4)
    )
    ingest(original.pk)
    copy.refresh_from_db()
    original.refresh_from_db()
    assert copy.duplicate_of == original and original.duplicate_of is None


def test_an_aggregators_earlier_dated_copy_never_displaces_the_outlets_article(engine_settings):
    digest, wire = make_source("Link Digest"), make_source("Wire")
    url = "https://wire.example/merger"
    # The digest's item links the wire's article and claims an earlier date for it.
    linked = make_article(
        digest, title="Read this", body=MERGER, url=url, off_site=True, ago=timedelta(hours=6)
    )
    ingest(linked.pk)
    own = make_article(wire, title="Fairfield and Corbel agree merger", body=MERGER, url=url)
    ingest(own.pk)
    linked.refresh_from_db()
    own.refresh_from_db()
    assert own.duplicate_of is None and linked.duplicate_of == own


def test_a_restart_never_reuses_an_older_storys_row_for_a_new_event(engine_settings):
    wire, ledger, courier = make_source("Wire"), make_source("Ledger"), make_source("Courier")
    # An event from before the replay window, clustered by the poller that ran then.
    old = [
        make_article(
            wire,
            title="Magnitude 6.4 quake strikes near Puerto Salinas",
            body=QUAKE_A,
            ago=timedelta(days=10),
        ),
        make_article(
            ledger, title="Puerto Salinas death toll rises to seven", body=QUAKE_A2, ago=timedelta(days=10)
        ),
    ]
    ingest(*(a.pk for a in old))
    old_story = StoryMember.objects.get(article=old[0]).story
    title = old_story.title

    cold_restart()  # restarted with no saved state: the old event is outside the window it replays
    new = make_article(
        courier, title="Quake flattens houses in Karadere", body=QUAKE_B, ago=timedelta(hours=2)
    )
    ingest(new.pk)

    old_story.refresh_from_db()
    assert old_story.title == title and old_story.article_count == 2
    assert StoryMember.objects.get(article=new).story != old_story
    assert set(old_story.members.values_list("article_id", flat=True)) == {a.pk for a in old}


def test_a_restart_keeps_each_replayed_storys_row_and_address(engine_settings):
    wire, ledger, courier = make_source("Wire"), make_source("Ledger"), make_source("Courier")
    # An older story first, so the replay after the restart numbers the rest differently.
    early = make_article(
        wire, title="Fairfield and Corbel agree $14.2bn merger", body=MERGER, ago=timedelta(days=8)
    )
    quake = [
        make_article(
            wire,
            title="Magnitude 6.4 quake strikes near Puerto Salinas",
            body=QUAKE_A,
            ago=timedelta(hours=5),
        ),
        make_article(
            ledger, title="Puerto Salinas death toll rises to seven", body=QUAKE_A2, ago=timedelta(hours=3)
        ),
    ]
    turkey = make_article(
        courier, title="Quake flattens houses in Karadere", body=QUAKE_B, ago=timedelta(hours=2)
    )
    ingest(early.pk, *(a.pk for a in quake), turkey.pk)
    rows_before = dict(StoryMember.objects.values_list("article_id", "story_id"))
    stories_before = set(Story.objects.values_list("pk", flat=True))

    for again in (restart, cold_restart):
        again()
        assert dict(StoryMember.objects.values_list("article_id", "story_id")) == rows_before
        assert set(Story.objects.values_list("pk", flat=True)) == stories_before


def test_a_story_merged_into_another_keeps_its_row_pointing_at_the_survivor(engine_settings):
    wire, ledger, courier = make_source("Wire"), make_source("Ledger"), make_source("Courier")
    a = make_article(
        wire, title="Magnitude 6.4 quake strikes near Puerto Salinas", body=QUAKE_A, ago=timedelta(hours=5)
    )
    b = make_article(courier, title="Quake flattens houses in Karadere", body=QUAKE_B, ago=timedelta(hours=4))
    c = make_article(
        ledger, title="Fairfield and Corbel agree $14.2bn merger", body=MERGER, ago=timedelta(hours=3)
    )
    ingest(a.pk, b.pk, c.pk)
    engine = story_engine._ENGINE
    assert engine is not None
    first, second, third = (StoryMember.objects.get(article=x).story for x in (a, b, c))
    assert len({first.pk, second.pk, third.pk}) == 3

    clusterer = engine.clusterer
    story_of = {x.pk: clusterer.story(clusterer.story_id(str(x.pk))) for x in (a, b, c)}
    clusterer._merge(story_of[b.pk], story_of[a.pk])  # the clusterer found b's story part of a's
    engine._stories_write()
    second.refresh_from_db()
    assert second.merged_into == first and second.article_count == 0
    assert StoryMember.objects.get(article=b).story == first
    assert second not in Story.objects.listed()

    clusterer._merge(story_of[a.pk], story_of[c.pk])  # ... and later a's into c's
    engine._stories_write()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.merged_into == third and second.merged_into == third  # straight to the survivor


def test_a_row_the_replay_empties_points_at_the_story_its_members_joined(engine_settings):
    from tests.web.factories import make_story

    wire, ledger = make_source("Wire"), make_source("Ledger")
    a1 = make_article(
        wire, title="Magnitude 6.4 quake strikes near Puerto Salinas", body=QUAKE_A, ago=timedelta(hours=5)
    )
    a2 = make_article(
        ledger, title="Puerto Salinas death toll rises to seven", body=QUAKE_A2, ago=timedelta(hours=3)
    )
    # Stored apart (an earlier run saw them apart); the replay finds one story.
    apart = [make_story([a1]), make_story([a2])]
    Article.objects.update(enriched_at=timezone.now(), clustered_at=timezone.now())

    cold_restart()
    kept = StoryMember.objects.get(article=a1).story
    assert StoryMember.objects.get(article=a2).story == kept and kept in apart
    (emptied,) = [s for s in apart if s != kept]
    emptied.refresh_from_db()
    assert emptied.merged_into == kept and emptied.article_count == 0
    assert kept.article_count == 2


def test_a_story_keeps_its_first_news_headline_when_analysis_joins(engine_settings):
    wire, ledger, post = make_source("Wire"), make_source("Ledger"), make_source("Post")
    a1 = make_article(
        wire, title="Magnitude 6.4 quake strikes near Puerto Salinas", body=QUAKE_A, ago=timedelta(hours=5)
    )
    ingest(a1.pk)
    story = StoryMember.objects.get(article=a1).story
    views = [
        make_article(ledger, title="Why Puerto Salinas quake toll rose to seven", body=QUAKE_A2, ago=timedelta(hours=3)),
        make_article(post, title="Puerto Salinas quake toll shows how fragile old harbour districts are",
                     body=QUAKE_VIEW,
                     ago=timedelta(hours=2)),
    ]  # fmt: skip
    ingest(*(v.pk for v in views))
    story.refresh_from_db()
    assert story.article_count == 3
    assert story.title == a1.title


def test_a_news_headline_replaces_an_analysis_title_and_then_stays(engine_settings):
    ledger, wire, courier = make_source("Ledger"), make_source("Wire"), make_source("Courier")
    view = make_article(
        ledger, title="Puerto Salinas quake: what we know so far", body=QUAKE_A2, ago=timedelta(hours=5)
    )
    ingest(view.pk)
    story = StoryMember.objects.get(article=view).story
    assert story.title == view.title  # nothing better yet
    news = make_article(
        wire, title="Magnitude 6.4 quake strikes near Puerto Salinas", body=QUAKE_A, ago=timedelta(hours=4)
    )
    ingest(news.pk)
    story.refresh_from_db()
    assert story.title == news.title
    later = make_article(
        courier,
        title="Puerto Salinas quake toll rises to seven as rescuers search hotel",
        body=QUAKE_A2 + " Rescuers worked through the night.",
        ago=timedelta(hours=1),
    )
    ingest(later.pk)
    story.refresh_from_db()
    assert story.article_count == 3 and story.title == news.title


def test_a_small_story_merged_back_keeps_its_address_and_follower_and_the_state_survives_a_restart(
    engine_settings, monkeypatch, django_user_model
):
    from tests.stories.test_clustering import CHILE_1, CHILE_2, CHILE_3

    # A strict threshold, so that arrival order alone keeps the follow-up apart at first (as in
    # test_clustering's merge-back test); story-to-story merges are off, so only merge-back can join.
    options = ClusterOptions(threshold=0.5, merge_threshold=0.99)
    monkeypatch.setattr(story_engine, "StoryClusterer", partial(StoryClusterer, options))
    engine_reset()
    wire, ledger, courier = make_source("Wire"), make_source("Ledger"), make_source("Courier")

    def store(doc, source, hours):
        return make_article(source, title=doc.title, body=doc.text, ago=timedelta(hours=hours))

    first = store(CHILE_1, wire, 30)
    ingest(first.pk)
    follow_up = store(CHILE_3, ledger, 4)
    ingest(follow_up.pk)
    kept, small = (StoryMember.objects.get(article=a).story for a in (first, follow_up))
    assert kept != small
    reader = django_user_model.objects.create_user("rita")
    follow_add(user=reader, target=small)

    second = store(CHILE_2, courier, 25)
    ingest(second.pk)
    kept.refresh_from_db()
    small.refresh_from_db()
    assert {m.story for m in StoryMember.objects.all()} == {kept}
    assert kept.article_count == 3 and kept.title == CHILE_1.title
    assert small.merged_into == kept and small.article_count == 0
    assert set(following_articles(user=reader)) == {first, second, follow_up}

    version = EngineState.objects.get().version
    restart()  # the saved state holds the merge: nothing regroups, and the next article finds the story
    later = make_article(
        wire,
        title="Valparaiso schools reopen after Chile earthquake",
        body=CHILE_3.text + " Teachers in Valparaiso checked classrooms for cracks.",
        ago=timedelta(hours=2),
    )
    ingest(later.pk)
    assert StoryMember.objects.get(article=later).story == kept
    assert EngineState.objects.get().version == version + 1


def test_excerpt_only_items_are_grouped_by_their_teaser(engine_settings):
    wire, ledger, courier = make_source("Wire"), make_source("Ledger"), make_source("Courier")

    def teaser(source, title, body, hours):
        # A teaser-only feed whose page could not be fetched: the headline and the feed's first sentence.
        lead = body.split(". ")[0] + "."
        return make_article(
            source, title=title, body=lead, content_text="", content_html="", ago=timedelta(hours=hours)
        )

    a1 = teaser(wire, "Dawn tremor hits Chilean port", QUAKE_A, 5)
    a2 = teaser(ledger, "Two pulled alive from collapsed hotel", QUAKE_A2, 3)
    b1 = teaser(courier, "Quake flattens houses in Karadere", QUAKE_B, 2)
    ingest(a1.pk, a2.pk, b1.pk)
    assert a1.body_text.startswith(
        "A magnitude 6.4 earthquake struck near the Chilean port city of Puerto Salinas"
    )
    assert StoryMember.objects.get(article=a1).story == StoryMember.objects.get(article=a2).story
    assert StoryMember.objects.get(article=b1).story != StoryMember.objects.get(article=a1).story


@pytest.fixture
def with_embeddings(settings):
    from gazette.stories.embeddings import embedder_available
    from gazette.stories.enrich import embedder_reset

    if not embedder_available():
        pytest.skip("torch and sentence-transformers not installed (requirements-models.txt)")
    settings.GAZETTE_EMBEDDINGS = True
    embedder_reset()
    engine_reset()
    yield settings
    embedder_reset()
    engine_reset()


def test_related_rows_and_members_are_written_per_batch_not_per_pair(with_embeddings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gazette.stories.models import Related

    outlets = [make_source(name) for name in ("Wire", "Ledger", "Courier", "Post")]
    bodies = [
        ("Magnitude 6.4 quake strikes near Puerto Salinas", QUAKE_A),
        ("Puerto Salinas death toll rises to seven", QUAKE_A2),
        ("Puerto Salinas harbour district hit hardest", QUAKE_VIEW),
        ("Quake flattens houses in Karadere", QUAKE_B),
    ]
    articles = [
        make_article(source, title=f"{title} ({source.name})", body=f"{source.name} reports. {body}")
        for source in outlets
        for title, body in bodies
    ]
    articles_enrich([a.pk for a in articles])
    with CaptureQueriesContext(connection) as queries:
        stories_assign()
    writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].lstrip().startswith(("INSERT", "UPDATE"))
    ]
    related_writes = [sql for sql in writes if '"stories_related"' in sql]
    member_writes = [sql for sql in writes if '"stories_storymember"' in sql]
    assert Related.objects.exists()
    # One upsert of both directions per article, one membership upsert per story written.
    assert len(related_writes) <= len(articles)
    assert len(member_writes) <= Story.objects.count()
    for article in articles:
        rows = list(Related.objects.filter(article=article))
        assert len(rows) <= 6 and all(r.other.source_id != article.source_id for r in rows)


def test_the_vector_index_keeps_to_the_window(with_embeddings):
    wire, ledger = make_source("Wire"), make_source("Ledger")
    old = make_article(wire, title="Fairfield and Corbel agree merger", body=MERGER, ago=timedelta(days=20))
    ingest(old.pk)
    engine = story_engine._ENGINE
    assert engine is not None and engine.index is not None and len(engine.index) == 1
    new = [
        make_article(ledger, title="Magnitude 6.4 quake strikes near Puerto Salinas", body=QUAKE_A),
        make_article(wire, title="Puerto Salinas death toll rises to seven", body=QUAKE_A2),
    ]
    ingest(*(a.pk for a in new))
    assert story_engine._ENGINE is engine and len(engine.index) == 2
    assert {i for i, _ in engine.index.search(engine.index.vectors()[1][0], k=5)} == {a.pk for a in new}
