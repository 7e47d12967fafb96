from datetime import timedelta

import pytest
from django.utils import timezone

from gazette.sources.activity import source_activity
from tests.web.factories import make_article, make_source

pytestmark = pytest.mark.django_db


def test_a_first_days_burst_is_its_rate_not_a_seventh_of_it():
    source = make_source("Burst Wire")
    for hour in range(19):
        make_article(source, title=f"Item {hour}", ago=timedelta(hours=hour, minutes=5))
    activity = source_activity(source=source, now=timezone.now())
    assert (activity.last_day, activity.per_day, activity.days) == (19, 19.0, 1)


def test_a_steady_source_is_measured_over_the_whole_window():
    source = make_source("Steady Wire")
    for day in range(7):
        for n in range(3):
            make_article(source, title=f"Day {day} item {n}", ago=timedelta(days=day, hours=n + 1))
    make_article(source, title="Last month", ago=timedelta(days=30))  # outside the window
    activity = source_activity(source=source, now=timezone.now())
    assert (activity.last_day, activity.per_day, activity.days) == (3, 3.0, 7)


def test_a_quiet_source():
    activity = source_activity(source=make_source("Quiet"), now=timezone.now())
    assert (activity.last_day, activity.per_day) == (0, 0.0)
