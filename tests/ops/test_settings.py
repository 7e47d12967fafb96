"""Ops settings: GAZETTE_LOG_FORMAT=json writes one JSON object per line; the rest is validated at start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gazette.conf import ConfigError

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import logging
import django
django.setup()
log = logging.getLogger("gazette.sources.polling")
log.warning("poll: %s failed (%d in a row): %s", "http://a.example/feed", 3, "HTTP 404 Not Found")
try:
    raise RuntimeError("boom")
except RuntimeError:
    log.exception("poll: crashed")
"""


def run_child(tmp_path, **env: str) -> str:
    full = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "gazette.settings",
        "GAZETTE_DATA_DIR": str(tmp_path),
        "GAZETTE_SECRET_KEY": "x" * 60,
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-c", CHILD], env=full, capture_output=True, text=True, check=True, timeout=120
    )
    return done.stderr


def test_json_format_writes_parseable_lines(tmp_path):
    lines = [line for line in run_child(tmp_path, GAZETTE_LOG_FORMAT="json").splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line, the traceback included, is one object
    warning, error = records[-2], records[-1]
    assert warning["level"] == "WARNING" and warning["logger"] == "gazette.sources.polling"
    assert warning["message"] == "poll: http://a.example/feed failed (3 in a row): HTTP 404 Not Found"
    assert "time" in warning
    assert error["level"] == "ERROR" and "RuntimeError: boom" in error["exc_info"]


def test_text_format_is_the_default(tmp_path):
    out = run_child(tmp_path, GAZETTE_LOG_FORMAT="")
    line = next(line for line in out.splitlines() if "poll: http://a.example/feed" in line)
    assert " WARNING gazette.sources.polling poll: " in line
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


def test_ops_settings_defaults(settings_from, monkeypatch):
    for name in ("GAZETTE_LOG_FORMAT", "GAZETTE_METRICS_ALLOW", "PROMETHEUS_MULTIPROC_DIR"):
        monkeypatch.delenv(name, raising=False)
    found = settings_from()
    assert found["LOG_FORMAT"] == "text"
    assert [str(n) for n in found["GAZETTE_METRICS_ALLOW"]] == ["127.0.0.1/32", "::1/128"]
    assert found["PROMETHEUS_MULTIPROC_DIR"] == ""


def test_ops_settings_follow_the_environment(settings_from, tmp_path):
    found = settings_from(
        GAZETTE_LOG_FORMAT="JSON",
        GAZETTE_METRICS_ALLOW="10.0.0.0/8, 192.0.2.7",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path),
    )
    assert found["LOG_FORMAT"] == "json"
    assert found["LOGGING"]["handlers"]["console"]["formatter"] == "json"
    assert [str(n) for n in found["GAZETTE_METRICS_ALLOW"]] == ["10.0.0.0/8", "192.0.2.7/32"]
    assert found["PROMETHEUS_MULTIPROC_DIR"] == str(tmp_path)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("GAZETTE_LOG_FORMAT", "yaml"),
        ("GAZETTE_METRICS_ALLOW", "localhost"),
        ("GAZETTE_METRICS_ALLOW", "10.0.0.0/33"),
        ("PROMETHEUS_MULTIPROC_DIR", "/nonexistent/gazette-metrics"),
    ],
)
def test_a_bad_value_stops_with_the_variable_named(settings_from, name, value):
    with pytest.raises(ConfigError, match=name):
        settings_from(**{name: value})
