"""Time from starting the reader site to its first answer: on a new data folder, then on a restart.

    python bench/restart.py [--role web|serve] [--restarts 2] [--data-dir DIR]

Starts `gazette web` (or `gazette serve --no-poll`) on a free port of 127.0.0.1, asks `/healthz` every
0.1 s until it answers, then stops it with SIGTERM and starts it again on the same data folder. The first
start migrates a new database and collects the static files; a restart finds both done. Prints one line
per start and a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.error import URLError

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_and_wait(*, role: str, data_dir: Path, timeout: float) -> float:
    """Seconds from starting the role to its first answer; the role is stopped before returning."""
    port = free_port()
    cmd = [sys.executable, "-m", "gazette", role, "--port", str(port)]
    if role == "serve":
        cmd.append("--no-poll")
    env = dict(
        os.environ,
        GAZETTE_DATA_DIR=str(data_dir),
        GAZETTE_LOG_LEVEL="WARNING",
        GAZETTE_WEB_WORKERS="1",
        PYTHONPATH=str(ROOT),
    )
    env.pop("DATABASE_URL", None)
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        while time.monotonic() - started < timeout:
            if proc.poll() is not None:
                raise SystemExit(f"{role} exited with {proc.returncode} before answering")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):
                    return time.monotonic() - started
            except (URLError, ConnectionError, OSError):
                time.sleep(0.1)
        raise SystemExit(f"{role} did not answer within {timeout:.0f} s")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--role", choices=("web", "serve"), default="web")
    parser.add_argument("--restarts", type=int, default=2)
    parser.add_argument("--data-dir", type=Path, default=None, help="default: a new temporary folder")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="gazette-restart-") as tmp:
        data_dir = args.data_dir or Path(tmp)
        first = start_and_wait(role=args.role, data_dir=data_dir, timeout=args.timeout)
        print(f"first start: {first:.1f} s to the first answer", flush=True)
        restarts = []
        for n in range(args.restarts):
            seconds = start_and_wait(role=args.role, data_dir=data_dir, timeout=args.timeout)
            restarts.append(seconds)
            print(f"restart {n + 1}: {seconds:.1f} s to the first answer", flush=True)
    print(
        json.dumps(
            {
                "role": args.role,
                "first_start_s": round(first, 2),
                "restart_s": [round(s, 2) for s in restarts],
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
