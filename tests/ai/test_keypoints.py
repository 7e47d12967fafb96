from pathlib import Path

from gazette.ai.keypoints import keypoints_build, point_trim
from gazette.ai.summarize import summary_build

QUAKE = (Path(__file__).parent / "testdata" / "quake.txt").read_text(encoding="utf-8")


def test_between_three_and_five_points():
    assert len(keypoints_build(title=None, text=QUAKE).points) == 4
    assert len(keypoints_build(title=None, text=QUAKE, n=1).points) == 3
    assert len(keypoints_build(title=None, text=QUAKE, n=9).points) == 5


def test_points_are_distinct_and_come_from_the_article():
    points = keypoints_build(title="Earthquake kills three", text=QUAKE).points
    assert len(set(points)) == len(points)
    flat = " ".join(QUAKE.split())
    for point in points:
        assert point.rstrip(".")[:40] in flat


def test_trim_dateline_and_attribution():
    assert point_trim("PORT ALDEN, Norland (Coastline Wire) - A quake struck on Monday, officials said.") == (
        "A quake struck on Monday."
    )
    assert point_trim("LONDON — Prices rose, according to the statistics office.") == "Prices rose."
    assert point_trim('"We are safe," she said.') == '"We are safe," she said.'


def test_short_text_gives_what_the_summary_left():
    text = "One fact. Another fact here."
    assert keypoints_build(title=None, text=text, summary=[]).points == ["One fact.", "Another fact here."]
    assert keypoints_build(title=None, text=text, summary=["One fact."]).points == ["Another fact here."]
    assert keypoints_build(title=None, text=text).points == []  # the summary already says it all


RECALL = (Path(__file__).parent / "testdata" / "recall.txt").read_text(encoding="utf-8")


def test_points_do_not_repeat_the_summary():
    summary = summary_build(title=None, text=RECALL).sentences
    points = keypoints_build(title=None, text=RECALL).points
    assert len(points) >= 3
    for point in points:
        assert all(point.rstrip(".")[:40] not in sentence for sentence in summary)


def test_points_have_no_half_quotations_captions_or_bylines():
    for n in (3, 4, 5):
        for point in keypoints_build(title=None, text=RECALL, n=n, summary=[]).points:
            assert point.count('"') % 2 == 0 and point.count("“") == point.count("”"), point
            assert not point.startswith(("Business", "A row of", "By Hannah", "May 16")), point
