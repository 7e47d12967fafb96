"""Fever test setup: the reader-app library of tests/api/greader (two readers, followed sources in
folders, their articles), and a Fever app's side of the protocol."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.test import Client

from tests.api.greader.conftest import API_PASSWORD, OTHER_API_PASSWORD, _quick_hashes, library  # noqa: F401 — fixtures for these tests


def fever_key(username: str, password: str) -> str:
    """What a Fever app sends as api_key, computed here as the apps do, not with the server's code."""
    return hashlib.md5(f"{username}:{password}".encode()).hexdigest()


class FeverApp:
    """A Fever app over Django's test client: api_key in the body, the rest in the query, as apps send."""

    def __init__(self, key: str, *, client: Client | None = None):
        self.key = key
        self.client = client or Client()

    def call(self, query: str = "", **data: Any) -> dict[str, Any]:
        response = self.client.post(
            f"/api/fever/?api{'&' if query else ''}{query}", {"api_key": self.key, **data}
        )
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/json"
        return response.json()


@pytest.fixture
def fever(library) -> FeverApp:  # noqa: F811 — the fixture imported above
    return FeverApp(fever_key("rita", API_PASSWORD))


@pytest.fixture
def other_fever(library) -> FeverApp:  # noqa: F811
    return FeverApp(fever_key("otto", OTHER_API_PASSWORD))
