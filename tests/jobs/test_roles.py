"""The worker role as a process: what it does before it takes its first job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gazette.stories.embeddings import embedder_available

pytestmark = pytest.mark.slow


def _worker_log(tmp_path: Path, queues: str, **extra: str) -> str:
    """Start `gazette worker --queues QUEUES` on a fresh SQLite database, give it until its log says
    it has started, stop it, and return its log."""
    env = dict(
        os.environ,
        GAZETTE_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'gazette.sqlite3'}",
        GAZETTE_LOG_LEVEL="INFO",
        GAZETTE_EMBEDDINGS="1",
        **extra,
    )
    subprocess.run([sys.executable, "-m", "gazette", "migrate"], env=env, check=True, capture_output=True)
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gazette", "worker", "--queues", queues], env=env, stdout=out, stderr=out
        )
        try:
            deadline = time.monotonic() + 120
            while "worker: started" not in log.read_text() and time.monotonic() < deadline:
                assert proc.poll() is None, log.read_text()
                time.sleep(0.2)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    return log.read_text()


@pytest.mark.skipif(not embedder_available(), reason="torch and sentence-transformers not installed")
def test_an_enrich_worker_loads_its_model_before_the_first_job(tmp_path):
    text = _worker_log(tmp_path, "enrich,stories")
    assert "worker: started" in text
    loaded = text.index("embed: loaded all-MiniLM-L6-v2")
    assert loaded < text.index("worker: started"), text


def test_a_missing_model_folder_stops_the_worker_before_it_starts(tmp_path):
    env = dict(
        os.environ, GAZETTE_DATA_DIR=str(tmp_path), GAZETTE_EMBEDDING_MODEL=str(tmp_path / "no-such-model")
    )
    proc = subprocess.run(
        [sys.executable, "-m", "gazette", "worker", "--queues", "enrich"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert f"error: GAZETTE_EMBEDDING_MODEL='{tmp_path / 'no-such-model'}': no folder at" in proc.stderr


def test_a_folder_that_holds_no_model_shows_when_the_worker_starts(tmp_path):
    (tmp_path / "not-a-model").mkdir()
    text = _worker_log(tmp_path, "enrich", GAZETTE_EMBEDDING_MODEL=str(tmp_path / "not-a-model"))
    assert "enrich: embedding model unavailable" in text or "no embedding model installed" in text, text
    assert "worker: started" in text


def test_a_poll_worker_loads_no_model(tmp_path):
    text = _worker_log(tmp_path, "poll")
    assert "worker: started" in text
    assert "embed: loaded" not in text, text
