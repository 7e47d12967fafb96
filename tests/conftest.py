"""Shared fixtures: a real local HTTP server, and ingestion settings that may reach it."""

from __future__ import annotations

import dataclasses
import importlib.util
import os
from pathlib import Path

import pytest

from tests.browser import browser  # noqa: F401 — fixtures for every test module
from tests.chatserver import chat_endpoint  # noqa: F401
from tests.httpserver import http_server  # noqa: F401
from tests.redisserver import redis_server  # noqa: F401

# Every `gazette serve` or `web` a test starts gets a data folder of its own; without a shared static root each
# would hash and compress the 843 static files again (a minute idle, many on a loaded machine) before answering.
# One collection per checkout is made by the first and reused by the rest (static_collect checks it is current).
os.environ.setdefault("GAZETTE_STATIC_ROOT", str(Path(__file__).resolve().parents[1] / ".test-static"))


@pytest.fixture(autouse=True)
def _fresh_story_engine():
    """The story engine keeps in-memory state per process; each test starts from its own database."""
    from gazette.stories.engine import engine_reset
    from gazette.stories.enrich import embedder_reset

    engine_reset()
    embedder_reset()
    yield
    engine_reset()
    embedder_reset()


@pytest.fixture(autouse=True)
def _poll_runtime_closed():
    """Poll jobs run in a test share a process-wide HTTP client; close it with the test's server."""
    yield
    from gazette.sources import polling

    if polling._RUNTIME is not None:
        polling.poll_runtime_close()


@pytest.fixture(autouse=True)
def _llm_gateway_closed():
    """A test that reaches an LLM builds the process's gateway; close it with the test's server."""
    yield
    from gazette.ai.llm import llm_gateway_close

    llm_gateway_close()


@pytest.fixture
def ingest_settings(settings):
    """Ingestion settings for tests: the local server is reachable, no politeness delay."""
    settings.GAZETTE_INGEST = dataclasses.replace(
        settings.GAZETTE_INGEST,
        allow_private_networks=True,
        host_delay=0.0,
        fetch_timeout=3.0,
        per_host_concurrency=4,
        polls_per_host=4,  # the fixture feeds share the one local server
    )
    return settings.GAZETTE_INGEST


@pytest.fixture
def settings_from(monkeypatch, tmp_path):
    """Run the settings module with these variables set, without touching the settings in use."""

    def run(**env: str) -> dict:
        monkeypatch.setenv("GAZETTE_DATA_DIR", str(tmp_path))
        monkeypatch.setenv("GAZETTE_SECRET_KEY", "x" * 60)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        spec = importlib.util.find_spec("gazette.settings")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)  # not put in sys.modules
        spec.loader.exec_module(module)
        return vars(module)

    return run
