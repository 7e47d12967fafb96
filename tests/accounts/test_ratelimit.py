"""The sign-up, comment and failed-login limits next to ask_rate_take (gazette/web/ratelimit.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from gazette.web.ratelimit import (
    ask_rate_take,
    comment_rate_take,
    login_rate_check,
    login_rate_take,
    signup_rate_take,
)

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
    settings.GAZETTE_LOGIN_FAILURES_PER_HOUR = 1
    request = request_from("203.0.113.1", reader)
    assert comment_rate_take(request) and ask_rate_take(request) and signup_rate_take(request)
    assert login_rate_check(request, username="rita")
    assert not comment_rate_take(request) and not ask_rate_take(request) and not signup_rate_take(request)
    assert login_rate_take(request, username="rita")


def test_login_failures_are_limited_per_address_whatever_the_name(settings):
    settings.GAZETTE_LOGIN_FAILURES_PER_HOUR = 2
    guesser = request_from("203.0.113.1")
    assert login_rate_check(guesser, username="rita")
    assert login_rate_take(guesser, username="rita") and login_rate_take(guesser, username="carlos")
    assert not login_rate_check(guesser, username="mona")
    assert login_rate_check(request_from("198.51.100.1"), username="mona")


def test_login_failures_are_limited_per_name_whatever_the_address(settings):
    settings.GAZETTE_LOGIN_FAILURES_PER_HOUR = 2
    login_rate_take(request_from("203.0.113.1"), username="rita")
    login_rate_take(request_from("203.0.113.2"), username="Rita")
    # Changing the case does not buy more guesses.
    assert not login_rate_check(request_from("198.51.100.1"), username="RITA")
    assert login_rate_check(request_from("198.51.100.1"), username="carlos")


def test_login_take_counts_both_and_says_when_over(settings):
    settings.GAZETTE_LOGIN_FAILURES_PER_HOUR = 1
    assert login_rate_take(request_from("203.0.113.1"), username="rita")
    # The address is over already; the new name is still counted.
    assert not login_rate_take(request_from("203.0.113.1"), username="carlos")
    assert not login_rate_check(request_from("198.51.100.1"), username="carlos")


def test_login_failures_are_forgotten_the_next_hour(settings, monkeypatch):
    settings.GAZETTE_LOGIN_FAILURES_PER_HOUR = 1
    start = timezone.now().replace(hour=1, minute=59)
    monkeypatch.setattr(timezone, "now", lambda: start)
    login_rate_take(request_from("203.0.113.1"), username="rita")
    assert not login_rate_check(request_from("203.0.113.1"), username="rita")
    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(minutes=1))
    assert login_rate_check(request_from("203.0.113.1"), username="rita")
