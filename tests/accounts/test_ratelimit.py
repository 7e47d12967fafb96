"""The sign-up and comment limits next to ask_rate_take (gazette/web/ratelimit.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from gazette.web.ratelimit import ask_rate_take, comment_rate_take, signup_rate_take

pytestmark = pytest.mark.django_db


def request_from(ip: str, user=None):
    request = RequestFactory().post("/", REMOTE_ADDR=ip)
    request.user = user or AnonymousUser()
    return request


def test_signup_limit_per_hour_then_per_day(settings, monkeypatch):
    settings.GAZETTE_SIGNUP_RATE_PER_HOUR = 2
    settings.GAZETTE_SIGNUP_RATE_PER_DAY = 3
    start = timezone.now().replace(hour=1, minute=0)
    monkeypatch.setattr(timezone, "now", lambda: start)
    assert [signup_rate_take(request_from("203.0.113.1")) for _ in range(3)] == [True, True, False]
    assert signup_rate_take(request_from("203.0.113.2"))
    # The next hour allows more, until the day's limit.
    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(hours=1))
    assert [signup_rate_take(request_from("203.0.113.1")) for _ in range(2)] == [True, False]


def test_comment_limit_is_per_user_whatever_the_address(settings, reader, commenter):
    settings.GAZETTE_COMMENT_RATE_PER_MINUTE = 1
    assert comment_rate_take(request_from("203.0.113.1", reader))
    assert not comment_rate_take(request_from("198.51.100.1", reader))
    assert comment_rate_take(request_from("203.0.113.1", commenter))


def test_limits_are_counted_apart(settings, reader):
    settings.GAZETTE_COMMENT_RATE_PER_MINUTE = 1
    settings.GAZETTE_ASK_RATE_PER_MINUTE = 1
    settings.GAZETTE_SIGNUP_RATE_PER_HOUR = 1
    request = request_from("203.0.113.1", reader)
    assert comment_rate_take(request) and ask_rate_take(request) and signup_rate_take(request)
    assert not comment_rate_take(request) and not ask_rate_take(request) and not signup_rate_take(request)
