"""Rate limits count once across processes: each web worker sees the counts of the others."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

# One web worker: it takes `n` questions for one reader and prints how many were allowed. The clock is
# held at one moment so the test never straddles the end of a minute.
WORKER = """
import os, sys
from datetime import UTC, datetime

import django

os.environ["DJANGO_SETTINGS_MODULE"] = "gazette.settings"
django.setup()
from django.test import RequestFactory
from django.utils import timezone

from gazette.web.ratelimit import ask_rate_take

timezone.now = lambda: datetime(2026, 5, 1, 12, 0, 30, tzinfo=UTC)
request = RequestFactory().post("/", REMOTE_ADDR=sys.argv[1])
print(sum(ask_rate_take(request) for _ in range(int(sys.argv[2]))))
"""


@pytest.fixture(scope="module")
def site_env(tmp_path_factory):
    """A migrated database file of its own, as the processes of one site share it; no cache URL."""
    data = tmp_path_factory.mktemp("ratelimit")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GAZETTE_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        GAZETTE_DATA_DIR=str(data),
        DATABASE_URL=f"sqlite:///{data / 'gazette.sqlite3'}",
        GAZETTE_ASK_RATE_PER_MINUTE="40",
        GAZETTE_ASK_RATE_PER_DAY="1000",
        GAZETTE_LOG_LEVEL="WARNING",
    )
    subprocess.run([sys.executable, "-m", "gazette", "migrate", "-v", "0"], env=env, check=True, timeout=300)
    return env


def worker(env, address: str, n: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, address, str(n)], env=env, stdout=subprocess.PIPE, text=True
    )


def allowed(proc: subprocess.Popen) -> int:
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0
    return int(out.strip())


def test_a_second_worker_sees_the_questions_the_first_counted(site_env):
    assert allowed(worker(site_env, "203.0.113.1", 30)) == 30
    assert allowed(worker(site_env, "203.0.113.1", 30)) == 10  # the limit is 40 a minute, site-wide
    assert allowed(worker(site_env, "203.0.113.2", 5)) == 5  # another reader has counts of their own


def test_workers_asking_at_once_are_each_counted(site_env):
    running = [worker(site_env, "198.51.100.7", 30) for _ in range(2)]
    assert sum(allowed(proc) for proc in running) == 40
