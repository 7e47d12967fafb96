"""Incremental story clustering on small hand-written articles."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from gazette.stories.bisection import bisect, loo_agreement, same_halves
from gazette.stories.clustering import (
    ClusterDoc,
    ClusterOptions,
    Story,
    StoryClusterer,
    _day_of_year,
    cluster,
)
from gazette.stories.features import features_build
from gazette.text.stems import stem

T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)

CHILE_1 = ClusterDoc(
    id="chile-1",
    title="Magnitude 7.1 earthquake strikes near Valparaiso, Chile",
    text=(
        "A magnitude 7.1 earthquake struck off the coast of Valparaiso in central Chile on Monday, "
        "the Chilean National Emergency Office said. Buildings shook in Santiago and Vina del Mar. "
        "President Gabriel Boric said three people were injured in Valparaiso and power was cut to "
        "40,000 homes. The Pacific Tsunami Warning Center issued no tsunami warning."
    ),
    published=T0,
    source="wire-a",
)
CHILE_2 = ClusterDoc(
    id="chile-2",
    title="Chile quake: Valparaiso counts damage after 7.1 tremor",
    text=(
        "Residents of Valparaiso cleared rubble on Monday after the magnitude 7.1 earthquake. "
        "Gabriel Boric visited Vina del Mar and promised help from the National Emergency Office. "
        "Three people were injured and 40,000 homes lost power, officials in Chile said. "
        "The earthquake was felt as far as Santiago."
    ),
    published=T0 + timedelta(hours=5),
    source="paper-b",
)
CHILE_3 = ClusterDoc(
    id="chile-3",
    title="Aftershocks rattle Valparaiso a day after Chile earthquake",
    text=(
        "Aftershocks shook Valparaiso on Tuesday, a day after the magnitude 7.1 earthquake in Chile. "
        "The National Emergency Office said power had been restored to most of the 40,000 homes. "
        "Gabriel Boric said schools in Vina del Mar would reopen on Wednesday."
    ),
    published=T0 + timedelta(hours=26),
    source="paper-c",
)
TURKEY_1 = ClusterDoc(
    id="turkey-1",
    title="Magnitude 5.8 earthquake hits Malatya in eastern Turkey",
    text=(
        "A magnitude 5.8 earthquake struck Malatya province in eastern Turkey on Wednesday, the "
        "disaster agency AFAD said. Buildings shook in Elazig and Adiyaman. Interior Minister Ali "
        "Yerlikaya said 12 people were injured in Malatya. The earthquake was felt in Diyarbakir."
    ),
    published=T0 + timedelta(days=2),
    source="wire-a",
)
TURKEY_2 = ClusterDoc(
    id="turkey-2",
    title="Turkey quake injures 12 in Malatya",
    text=(
        "Twelve people were injured when a magnitude 5.8 earthquake hit Malatya in eastern Turkey, "
        "AFAD said on Wednesday. Ali Yerlikaya said teams were checking buildings in Elazig and "
        "Adiyaman after the earthquake."
    ),
    published=T0 + timedelta(days=2, hours=3),
    source="paper-b",
)
BUDGET_1 = ClusterDoc(
    id="budget-1",
    title="Finance minister Ruth Halvorsen unveils Norway budget",
    text=(
        "Norway's finance minister Ruth Halvorsen presented the 2026 budget to the Storting in Oslo, "
        "raising spending on defence and cutting the electricity levy. The opposition Progress Party "
        "said the budget did too little for families."
    ),
    published=T0 + timedelta(days=1),
    source="paper-c",
)


def test_two_earthquakes_in_one_week_stay_apart():
    clusterer = StoryClusterer()
    stories = {doc.id: clusterer.add(doc) for doc in (CHILE_1, CHILE_2, TURKEY_1, TURKEY_2)}
    assert stories["chile-1"] == stories["chile-2"]
    assert stories["turkey-1"] == stories["turkey-2"]
    assert stories["chile-1"] != stories["turkey-1"]


def test_follow_ups_join_their_event():
    result = cluster([CHILE_1, BUDGET_1, CHILE_2, CHILE_3])
    assert result["chile-1"] == result["chile-2"] == result["chile-3"]
    assert result["budget-1"] != result["chile-1"]


def test_cluster_orders_by_published_when_present():
    shuffled = [CHILE_3, TURKEY_2, CHILE_1, TURKEY_1, CHILE_2]
    result = cluster(shuffled)
    assert len({result["chile-1"], result["chile-2"], result["chile-3"]}) == 1
    assert result["turkey-1"] == result["turkey-2"] != result["chile-1"]


def test_story_ids_are_stable_strings_and_stories_lists_members():
    clusterer = StoryClusterer()
    first = clusterer.add(CHILE_1)
    assert isinstance(first, str)
    assert clusterer.add(CHILE_1) == first  # adding the same article again changes nothing
    clusterer.add(CHILE_2)
    assert clusterer.stories()[first] == ["chile-1", "chile-2"]


def test_a_story_closes_after_a_quiet_period():
    options = ClusterOptions(close_after_hours=48, clock_window=1)  # the clock is the newest arrival
    clusterer = StoryClusterer(options)
    old = clusterer.add(CHILE_1)
    late = ClusterDoc(
        id="chile-late",
        title=CHILE_2.title,
        text=CHILE_2.text,
        published=T0 + timedelta(days=10),  # CHILE_1.published
    )
    assert clusterer.add(late) != old
    assert not clusterer.story(old).open
    assert clusterer.stories()[old] == ["chile-1"]


def _budget(i: int, day: int) -> ClusterDoc:
    return replace(BUDGET_1, id=f"budget-{i}", published=T0 + timedelta(days=day))


def test_one_article_published_days_ahead_does_not_close_the_stories_late_ones_belong_to():
    clusterer = StoryClusterer(ClusterOptions(close_after_hours=48))
    chile = clusterer.add(CHILE_1)
    clusterer.add(_budget(1, 10))  # an outlet polled late brings news ten days newer ...
    assert clusterer.add(CHILE_2) == chile  # ... and the stream's other articles still find theirs
    for i in range(2, 30):  # once the stream itself has moved on, the quiet story closes
        clusterer.add(_budget(i, 10))
    assert not clusterer.story(chile).open


def test_without_dates_the_oldest_stories_close_beyond_max_open():
    clusterer = StoryClusterer(ClusterOptions(max_open=1))
    undated = [ClusterDoc(id=d.id, title=d.title, text=d.text) for d in (CHILE_1, BUDGET_1, CHILE_2)]
    ids = [clusterer.add(doc) for doc in undated]
    assert ids[2] != ids[0]  # the Chile story was closed when the budget story opened
    assert len(clusterer.open) == 1


def test_stories_that_grow_together_are_merged_and_reported():
    # A strict join threshold makes each article open its own story; the merge check then finds the
    # new story and its runner-up alike, and logs (absorbed, into) so a live store can follow.
    options = ClusterOptions(threshold=0.95, merge_threshold=0.2)
    clusterer = StoryClusterer(options)
    first = clusterer.add(CHILE_1)
    second = clusterer.add(CHILE_3)
    assert second == first  # the older id survives the merge
    assert clusterer.merges() == [("s2", "s1")]
    assert "s2" not in clusterer.stories()
    assert clusterer.stories()[first] == ["chile-1", "chile-3"]


def test_no_merge_below_the_merge_threshold():
    clusterer = StoryClusterer(ClusterOptions(threshold=0.95, merge_threshold=0.99))
    assert clusterer.add(CHILE_1) != clusterer.add(CHILE_3)
    assert clusterer.merges() == []


def test_an_optional_vector_is_one_more_signal():
    vec = np.ones(4, dtype=np.float32) / 2.0
    with_vectors = [
        ClusterDoc(id=d.id, title=d.title, text=d.text, published=d.published, vector=vec)
        for d in (CHILE_1, CHILE_2)
    ]
    result = cluster([*with_vectors, TURKEY_1])
    assert result["chile-1"] == result["chile-2"] != result["turkey-1"]


def test_features_carry_names_and_numbers():
    feats = features_build(CHILE_1, ClusterOptions())
    assert "valparaiso" in feats["entity"]
    assert "7.1" in feats["quantity"]
    assert stem("earthquake") in feats["text"]


def test_accents_and_compounds_make_the_same_words_however_typed():
    accented = ClusterDoc(
        id="a", title="Floods in São Paulo", text="The off‑duty firefighters’ union helped."
    )
    plain = ClusterDoc(id="b", title="Floods in Sao Paulo", text="The off-duty firefighters union helped.")
    assert (
        features_build(accented, ClusterOptions())["text"] == features_build(plain, ClusterOptions())["text"]
    )
    assert stem("off-duty") in features_build(plain, ClusterOptions())["text"]


def test_one_event_is_not_split():
    clusterer = StoryClusterer(ClusterOptions(split_min_part=2))
    for doc in (CHILE_1, CHILE_2, CHILE_3):
        clusterer.add(doc)
    clusterer.add(
        ClusterDoc(id="chile-4", title=CHILE_1.title, text=CHILE_2.text, published=CHILE_3.published)
    )
    assert clusterer.splits() == []
    assert len(clusterer.stories()) == 1


def _same_story_in(year_a: str, year_b: str, options: ClusterOptions) -> bool:
    text = (
        "Floods swept through Corvale after days of rain, the regional council said. Mayor Ines "
        "Marlow said 14 homes were lost. The river peaked at 6.2 metres in {year}."
    )
    a = ClusterDoc(id="a", title="Floods hit Corvale", text=text.format(year=year_a))
    b = ClusterDoc(id="b", title="Corvale floods", text=text.format(year=year_b))
    clusterer = StoryClusterer(options)
    return clusterer.add(a) == clusterer.add(b)


def test_when_conflict_keeps_apart_texts_naming_different_years():
    strict = ClusterOptions(threshold=0.5, when_conflict=0.5)
    assert _same_story_in("2011", "2011", strict)
    assert not _same_story_in("2008", "2011", strict)
    assert _same_story_in("2008", "2011", ClusterOptions(threshold=0.5))  # off by default


def test_embedding_cosines_below_the_floor_are_no_evidence():
    clusterer = StoryClusterer(ClusterOptions(vector_floor=0.5, vector_weight=1.0))
    assert clusterer._combine({"text": 0.4}, 0.3) == 0.2  # (0.4 + 0) / 2
    assert clusterer._combine({"text": 0.4}, 1.0) == 0.7  # (0.4 + 1) / 2
    assert clusterer._combine({"text": 0.4}, None) == 0.4


def test_years_and_dates_are_recognised_among_quantities():
    from gazette.stories.clustering import _is_when

    assert _is_when("2008") and _is_when("December 11")
    assert not _is_when("7.1") and not _is_when("40000") and not _is_when("12")


def test_day_of_year_folds_dates_of_any_year_onto_one_calendar():
    assert _day_of_year("January 1") == 1
    assert _day_of_year("May 3") - _day_of_year("May 2") == 1
    assert _day_of_year("December 31") == 366
    assert _day_of_year("2013") is None and _day_of_year("May") is None


def _blocks() -> np.ndarray:
    """Similarities of two blocks of four items plus one item close to nothing."""
    labels = [0, 0, 0, 0, 1, 1, 1, 1, 2]
    sim = np.array([[0.5 if a == b != 2 else 0.1 for b in labels] for a in labels])
    sim[8, :] = sim[:, 8] = 0.01
    np.fill_diagonal(sim, 0.0)
    return sim


def test_bisect_finds_two_halves_rather_than_cutting_off_an_outlier():
    side = bisect(_blocks())
    assert len(set(side[:4])) == 1 and len(set(side[4:8])) == 1
    assert side[0] != side[4]


def test_leave_one_out_agreement_counts_members_closer_to_their_own_half():
    sim = _blocks()[:8, :8]
    side = np.array([True] * 4 + [False] * 4)
    assert loo_agreement(sim, side, 0.0) == 1.0
    assert loo_agreement(sim, side, 0.5) == 0.0
    # One member on the wrong side sits closer to the other half.
    wrong = np.array([True] * 5 + [False] * 3)
    assert loo_agreement(sim, wrong, 0.0) < 1.0


def test_same_halves_tolerates_one_member_in_ten_moving():
    before = ({str(i) for i in range(10)}, {str(i) for i in range(10, 20)})
    swapped = [str(i) for i in range(10, 20)], [str(i) for i in range(10)]
    assert same_halves(before, *swapped)  # which side is "left" does not matter
    moved = [str(i) for i in range(1, 10)], [str(i) for i in range(10, 20)] + ["0"]
    assert same_halves(before, *moved)
    shuffled = [str(i) for i in range(0, 20, 2)], [str(i) for i in range(1, 20, 2)]
    assert not same_halves(before, *shuffled)


TURKEY_3 = ClusterDoc(
    id="turkey-3",
    title="Malatya clears rubble after 5.8 quake in Turkey",
    text=(
        "Rescue teams in Malatya searched damaged buildings on Thursday after the magnitude 5.8 "
        "earthquake. AFAD said the 12 injured were recovering; Ali Yerlikaya visited Elazig."
    ),
    published=TURKEY_2.published,
    source="paper-c",
)
# Everything joins one story (threshold 0) and nothing merges, so only the split test can part them.
FORCED = ClusterOptions(
    threshold=0.0, merge_threshold=2.0, split_min_part=3, split_every=1, split_confirm=False
)


def _forced(options: ClusterOptions, docs: tuple[ClusterDoc, ...]) -> StoryClusterer:
    clusterer = StoryClusterer(options)
    for doc in docs:
        clusterer.add(doc)
    return clusterer


def test_split_separates_two_same_kind_events_forced_into_one_story():
    docs = (CHILE_1, CHILE_2, TURKEY_1, CHILE_3, TURKEY_2, TURKEY_3)
    assert len(_forced(replace(FORCED, split_ratio=0.0), docs).stories()) == 1
    split = _forced(FORCED, docs)
    assert split.splits()
    assert sorted(sorted(m) for m in split.stories().values()) == [
        ["chile-1", "chile-2", "chile-3"],
        ["turkey-1", "turkey-2", "turkey-3"],
    ]


def test_split_waits_for_a_second_check_to_cut_the_same_way():
    chile_4 = ClusterDoc(
        id="chile-4",
        title="Valparaiso schools reopen after Chile earthquake",
        text=(
            "Schools in Valparaiso and Vina del Mar reopened on Wednesday after the magnitude 7.1 "
            "earthquake, the National Emergency Office said. Gabriel Boric thanked rescue teams."
        ),
        published=CHILE_3.published,
        source="paper-d",
    )
    docs = (CHILE_1, CHILE_2, TURKEY_1, CHILE_3, TURKEY_2, TURKEY_3)
    confirm = replace(FORCED, split_confirm=True)
    assert _forced(FORCED, docs).splits()  # one check at six articles is enough without confirmation
    assert not _forced(confirm, docs).splits()  # ... but not with it
    confirmed = _forced(confirm, (*docs, chile_4))  # the check at seven cuts the same way
    assert confirmed.splits()
    assert sorted(sorted(m) for m in confirmed.stories().values()) == [
        ["chile-1", "chile-2", "chile-3", "chile-4"],
        ["turkey-1", "turkey-2", "turkey-3"],
    ]


def test_halves_reporting_on_neighbouring_days_stay_one_story():
    def dated(doc: ClusterDoc, day: str) -> ClusterDoc:
        return replace(doc, text=f"{day}, 2025. " + doc.text)

    chile = [dated(d, "March 3") for d in (CHILE_1, CHILE_2, CHILE_3)]
    turkey = [dated(d, "March 4") for d in (TURKEY_1, TURKEY_2, TURKEY_3)]
    docs = (chile[0], chile[1], turkey[0], chile[2], turkey[1], turkey[2])
    assert not _forced(FORCED, docs).splits()
    assert _forced(replace(FORCED, split_date_days=-1), docs).splits()
    far = [dated(d, "July 20") for d in (TURKEY_1, TURKEY_2, TURKEY_3)]
    assert _forced(FORCED, (chile[0], chile[1], far[0], chile[2], far[1], far[2])).splits()


@pytest.mark.parametrize("sticky", [True, False])
def test_stories_split_apart_are_not_merged_back(sticky):
    docs = (CHILE_1, CHILE_2, TURKEY_1, CHILE_3, TURKEY_2, TURKEY_3)
    clusterer = _forced(replace(FORCED, split_sticky=sticky), docs)
    ((kept, new),) = clusterer.splits()
    # A later article close to both would ask for a merge at any similarity: only a non-sticky split gives.
    clusterer.options = replace(clusterer.options, merge_threshold=0.0)
    clusterer._merge_check(clusterer.story(kept), [clusterer.story(new)])
    assert len(clusterer.stories()) == (2 if sticky else 1)


def test_split_schedule():
    story = Story(id="s1", members=[str(i) for i in range(6)])
    every_two = StoryClusterer(ClusterOptions(split_every=2, split_min_part=3))
    assert every_two._split_due(story)
    story.members.append("6")
    assert not every_two._split_due(story)
    assert not StoryClusterer(ClusterOptions(split_every=2, split_min_part=4))._split_due(story)


def test_a_story_too_large_to_split_forgets_its_members_features():
    docs = (CHILE_1, CHILE_2, TURKEY_1, CHILE_3, TURKEY_2, TURKEY_3)
    clusterer = _forced(replace(FORCED, split_max_size=4, split_ratio=0.0), docs[:4])
    (story,) = clusterer.open.values()
    assert story.members == [d.id for d in docs[:4]] and not story.trimmed
    assert all(d.id in clusterer.doc_features for d in docs[:4])
    clusterer.add(docs[4])  # the fifth member: past split_max_size
    assert story.trimmed and not any(d.id in clusterer.doc_features for d in docs[:5])
    clusterer.add(docs[5])
    assert docs[5].id not in clusterer.doc_features and story.profiles["text"]


def test_merging_a_trimmed_story_trims_the_union():
    clusterer = StoryClusterer(ClusterOptions(split_max_size=1))
    big = clusterer._story_new()
    small = clusterer._story_new()
    for story, doc in ((big, CHILE_1), (small, CHILE_2), (small, CHILE_3)):
        feats = features_build(doc, clusterer.options)
        clusterer._story_add(story, doc, feats, None)
    assert small.trimmed and not big.trimmed and CHILE_1.id in clusterer.doc_features
    clusterer._merge(small, big)
    assert big.trimmed and not clusterer.doc_features


def test_merges_keep_the_older_story_whatever_the_id_prefix():
    from gazette.stories.clustering import _id_order

    assert _id_order("s2") < _id_order("s10")
    assert _id_order("9f3a0c1d-2") < _id_order("9f3a0c1d-10")  # the engine's per-run prefix


def test_a_small_story_kept_apart_by_arrival_order_is_merged_back():
    # At this strict threshold the follow-up (CHILE_3) arriving before CHILE_2 opens a story of its own;
    # once CHILE_2 has joined the first report, the follow-up is as close to that story as an article
    # must be to join, and is folded in: the bigger, older story keeps its id.
    options = ClusterOptions(threshold=0.5, merge_threshold=0.99)
    without = StoryClusterer(replace(options, regroup_max_size=0))
    assert len({without.add(doc) for doc in (CHILE_1, CHILE_3, CHILE_2)}) == 2
    clusterer = StoryClusterer(options)
    first, follow_up, _ = (clusterer.add(doc) for doc in (CHILE_1, CHILE_3, CHILE_2))
    assert follow_up != first
    assert clusterer.stories() == {first: ["chile-1", "chile-2", "chile-3"]}
    assert clusterer.merges() == [(follow_up, first)]
    assert clusterer.story_id("chile-3") == first


def test_merge_back_leaves_other_events_and_split_stories_alone():
    options = ClusterOptions(threshold=0.5, merge_threshold=0.99)
    clusterer = StoryClusterer(options)
    for doc in (CHILE_1, TURKEY_1, CHILE_2, BUDGET_1, TURKEY_2):
        clusterer.add(doc)
    assert clusterer.story_id("turkey-1") != clusterer.story_id("chile-1")
    assert clusterer.story_id("budget-1") not in {
        clusterer.story_id("chile-1"),
        clusterer.story_id("turkey-1"),
    }
    # Two stories the split test set apart are never folded together again.
    apart = StoryClusterer(options)
    first, follow_up = apart.add(CHILE_1), apart.add(CHILE_3)
    apart.apart = {first: {follow_up}, follow_up: {first}}
    apart.add(CHILE_2)
    assert apart.story_id("chile-3") == follow_up != apart.story_id("chile-1")


def test_a_state_saved_before_the_arrival_clock_loads_and_continues():
    import pickle

    clusterer = StoryClusterer()
    first = clusterer.add(CHILE_1)
    del clusterer._recent  # as pickled by the code before it
    restored = pickle.loads(pickle.dumps(clusterer))
    assert restored.add(CHILE_2) == first


def test_forgetting_closed_stories_changes_no_later_assignment():
    from tests.stories.test_engine_demo import OPTIONS, demo_docs

    docs = demo_docs()
    whole, forgetful = StoryClusterer(OPTIONS), StoryClusterer(OPTIONS)
    forgotten: list[frozenset[str]] = []
    most = 0
    for d in docs:
        whole.add(d)
        forgetful.add(d)
        kept = forgetful.stories()
        for story_id in forgetful.closed_forget():
            forgotten.append(frozenset(kept[story_id]))
        most = max(most, len(forgetful.all_stories))
    everything = {frozenset(m) for m in whole.stories().values()}
    assert {*forgotten, *(frozenset(m) for m in forgetful.stories().values())} == everything
    assert forgotten and most < len(everything)
