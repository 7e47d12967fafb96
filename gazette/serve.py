"""`gazette serve`: every role in one command — the reader site under gunicorn, and beside it one
worker process running the scheduler and every queue (and the demo publishers). `gazette web`: the site.

The worker is a child process rather than threads of the web server: gunicorn forks its workers, and
forking a process while another thread holds a lock (logging, SQLite) can deadlock the child. It exits
when `serve` is gone, even when `serve` was killed outright.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger("gazette.serve")


def _web_app(host: str, port: int, workers: int) -> Any:
    from gunicorn.app.base import BaseApplication

    from gazette.wsgi import application

    class WebApp(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", None)
            self.cfg.set("graceful_timeout", 10)
            self.cfg.set("proc_name", "gazette-web")
            self.cfg.set("worker_exit", _worker_exit)

        def load(self) -> Any:
            return application

    return WebApp()


def _worker_exit(server: Any, worker: Any) -> None:
    """In a web worker that is stopping: close its connections to the language model."""
    from gazette.ai.llm import llm_gateway_close

    llm_gateway_close()


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazette.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from django.conf import settings

    from gazette.ops.static import static_collect

    static_collect(static_root=Path(settings.STATIC_ROOT))
    from django.db import connections

    # Not carried into gunicorn's forked workers, nor kept open by the master that never queries.
    connections.close_all()


def web(args: argparse.Namespace) -> int:
    """The web role alone."""
    _setup()
    from django.conf import settings

    workers = args.workers or settings.GAZETTE_WEB_WORKERS
    print(f"Gazette is serving on http://{args.host}:{args.port}/", file=sys.stderr, flush=True)
    _web_app(args.host, args.port, workers).run()
    return 0


def demo_environment(env: dict[str, str], *, demo_port: int) -> dict[str, str]:
    """`env` with what `serve --demo` needs: its publishers' address reachable, and no other private one."""
    env = dict(env)
    # The demo publishers live on this machine. Only their address is let through: a global switch would
    # also open the operator's network to every feed added later.
    hosts = [h for h in env.get("GAZETTE_ALLOW_PRIVATE_HOSTS", "").split(",") if h.strip()]
    env["GAZETTE_ALLOW_PRIVATE_HOSTS"] = ",".join([*hosts, f"127.0.0.1:{demo_port}"])
    env.setdefault("GAZETTE_HOST_DELAY", "0")
    env.setdefault("GAZETTE_PER_HOST_CONCURRENCY", "8")
    env.setdefault("GAZETTE_POLLS_PER_HOST", "8")  # every demo publisher is on one host
    return env


def serve(args: argparse.Namespace) -> int:
    # The worker child gets this process's environment, with the demo's additions, and reads its own
    # settings from it when it starts.
    env = os.environ.copy()
    if args.demo:
        env = demo_environment(env, demo_port=args.demo_port)
    os.environ.update({k: v for k, v in env.items() if k.startswith("GAZETTE_")})
    _setup()

    poller = None
    if not args.no_poll:
        cmd = [sys.executable, "-m", "gazette", "worker", "--scheduler", "--parent-pid", str(os.getpid())]
        if args.demo:
            cmd += ["--demo-port", str(args.demo_port)]
        poller = subprocess.Popen(cmd, env=env)
    from django.conf import settings

    workers = args.workers or settings.GAZETTE_WEB_WORKERS
    print(f"Gazette is serving on http://{args.host}:{args.port}/", file=sys.stderr, flush=True)
    try:
        _web_app(args.host, args.port, workers).run()
    finally:
        if poller and poller.poll() is None:
            poller.terminate()  # running jobs finish first, within the worker's shutdown timeout
            try:
                poller.wait(timeout=45)
            except subprocess.TimeoutExpired:
                poller.kill()
    return 0
