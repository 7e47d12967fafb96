"""Shared personas for the account tests: anonymous, reader, commenter, moderator and operator, each with a
client."""

from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, User
from django.test import Client

from gazette.accounts.models import MODERATORS_GROUP
from tests.web.conftest import _web_settings  # noqa: F401 — plain static files and a fresh cache per test

PASSWORD = "quiet-harbour-lantern-42"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reader(db) -> User:
    """Reads, follows and saves."""
    return User.objects.create_user("rita", password=PASSWORD)


@pytest.fixture
def commenter(db) -> User:
    """Writes comments."""
    return User.objects.create_user("carlos", password=PASSWORD)


@pytest.fixture
def moderator(db) -> User:
    """In the moderators group (not staff): works the report queue, hides and restores comments."""
    user = User.objects.create_user("mona", password=PASSWORD)
    # get_or_create: the migration makes the group, but transactional tests flush it away.
    user.groups.add(Group.objects.get_or_create(name=MODERATORS_GROUP)[0])
    return user


@pytest.fixture
def operator(db) -> User:
    """Runs the site: staff and superuser, in the admin; may moderate too."""
    return User.objects.create_user("otto", password=PASSWORD, is_staff=True, is_superuser=True)


@pytest.fixture
def reader_client(reader) -> Client:
    return signed_in(reader)


@pytest.fixture
def commenter_client(commenter) -> Client:
    return signed_in(commenter)


@pytest.fixture
def moderator_client(moderator) -> Client:
    return signed_in(moderator)


@pytest.fixture
def operator_client(operator) -> Client:
    return signed_in(operator)


@pytest.fixture
def anonymous(db) -> Client:
    """A reader who is not signed in."""
    return Client()


class CountingBackend(ModelBackend):
    """Django's backend, noting each username whose password it was asked to check."""

    checked: list[str] = []

    def authenticate(self, request, username=None, password=None, **kwargs):
        CountingBackend.checked.append(username)
        return super().authenticate(request, username=username, password=password, **kwargs)


@pytest.fixture
def counted(settings):
    """Two failed logins allowed per hour; the names whose passwords were checked, in order."""
    settings.AUTHENTICATION_BACKENDS = [f"{__name__}.CountingBackend"]
    settings.GAZETTE_LOGIN_FAILURES_PER_HOUR = 2
    CountingBackend.checked = []
    return CountingBackend.checked
