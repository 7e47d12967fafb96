"""Settings follow the environment: each case runs gazette/settings.py afresh with its own variables."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks

import gazette
from gazette.ai.config import LLMConfig
from gazette.conf import ConfigError

HTTPS_WARNINGS = {"security.W004", "security.W008", "security.W012", "security.W016"}


def test_https_settings_are_off_by_default(settings_from, monkeypatch):
    for name in ("GAZETTE_SECURE_COOKIES", "GAZETTE_SSL_REDIRECT", "GAZETTE_HSTS_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    found = settings_from()
    assert found["SESSION_COOKIE_SECURE"] is False and found["CSRF_COOKIE_SECURE"] is False
    assert found["SECURE_SSL_REDIRECT"] is False and found["SECURE_HSTS_SECONDS"] == 0
    assert found["SESSION_COOKIE_HTTPONLY"] is True and found["X_FRAME_OPTIONS"] == "DENY"


def test_https_settings_follow_the_environment(settings_from):
    found = settings_from(GAZETTE_SECURE_COOKIES="yes", GAZETTE_SSL_REDIRECT="1", GAZETTE_HSTS_SECONDS="3600")
    assert found["SESSION_COOKIE_SECURE"] is True and found["CSRF_COOKIE_SECURE"] is True
    assert found["SECURE_SSL_REDIRECT"] is True and found["SECURE_HSTS_SECONDS"] == 3600


def test_login_limit_follows_the_environment(settings_from, monkeypatch):
    monkeypatch.delenv("GAZETTE_LOGIN_FAILURES_PER_HOUR", raising=False)
    assert settings_from()["GAZETTE_LOGIN_FAILURES_PER_HOUR"] == 10
    assert settings_from(GAZETTE_LOGIN_FAILURES_PER_HOUR="3")["GAZETTE_LOGIN_FAILURES_PER_HOUR"] == 3


def test_embedding_threads_default_to_one_and_follow_the_environment(settings_from, monkeypatch):
    monkeypatch.delenv("GAZETTE_EMBED_THREADS", raising=False)
    assert settings_from()["GAZETTE_EMBED_THREADS"] == 1
    assert settings_from(GAZETTE_EMBED_THREADS="2")["GAZETTE_EMBED_THREADS"] == 2


def test_media_proxy_bounds_default_and_follow_the_environment(settings_from, monkeypatch):
    for name in ("GAZETTE_MEDIA_PROXY_TIMEOUT", "GAZETTE_MEDIA_PROXY_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    found = settings_from()
    assert found["GAZETTE_MEDIA_PROXY_TIMEOUT"] == 10.0 and found["GAZETTE_MEDIA_PROXY_CONCURRENCY"] == 2
    found = settings_from(GAZETTE_MEDIA_PROXY_TIMEOUT="2.5", GAZETTE_MEDIA_PROXY_CONCURRENCY="3")
    assert found["GAZETTE_MEDIA_PROXY_TIMEOUT"] == 2.5 and found["GAZETTE_MEDIA_PROXY_CONCURRENCY"] == 3


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("GAZETTE_SECURE_COOKIES", "maybe"),
        ("GAZETTE_SSL_REDIRECT", "sometimes"),
        ("GAZETTE_HSTS_SECONDS", "-1"),
        ("GAZETTE_HSTS_SECONDS", "a year"),
        ("GAZETTE_LOGIN_FAILURES_PER_HOUR", "0"),
        ("GAZETTE_EMBED_THREADS", "0"),
        ("GAZETTE_MEDIA_PROXY_TIMEOUT", "0"),
        ("GAZETTE_MEDIA_PROXY_TIMEOUT", "soon"),
        ("GAZETTE_MEDIA_PROXY_CONCURRENCY", "0"),
        ("GAZETTE_ALLOW_PRIVATE_HOSTS", "127.0.0.1:port"),
        ("GAZETTE_ALLOW_PRIVATE_HOSTS", "127.0.0.1:0"),
        ("GAZETTE_ALLOW_PRIVATE_HOSTS", "http://demo.local/feed"),
        ("GAZETTE_ALLOW_PRIVATE_HOSTS", "user@demo.local"),
        ("GAZETTE_FETCH_TIMEOUT", "nan"),
        ("GAZETTE_HOST_DELAY", "inf"),
        ("GAZETTE_LLM_TIMEOUT", "soon"),
        ("GAZETTE_LLM_TIMEOUT", "0.5"),
        ("GAZETTE_LLM_TIMEOUT", "nan"),
        ("GAZETTE_LLM_DAILY_LIMIT", "-1"),
        ("GAZETTE_LLM_DAILY_LIMIT", "lots"),
        ("GAZETTE_LLM_BASE_URL", "localhost:11434"),
        ("GAZETTE_EMBEDDING_MODEL", "/no/such/model/folder"),
        ("GAZETTE_WEB_WORKERS", "none"),
    ],
)
def test_a_bad_value_stops_with_the_variable_named(settings_from, name, value):
    with pytest.raises(ConfigError, match=name):
        settings_from(**{name: value})


def test_private_hosts_are_an_allow_list_of_hosts_and_ports(settings_from, monkeypatch):
    monkeypatch.delenv("GAZETTE_ALLOW_PRIVATE_HOSTS", raising=False)
    assert settings_from()["GAZETTE_INGEST"].allow_private_hosts == frozenset()
    found = settings_from(GAZETTE_ALLOW_PRIVATE_HOSTS="127.0.0.1:8765, Demo.Local,[::1]:8080")
    ingest = found["GAZETTE_INGEST"]
    assert ingest.allow_private_hosts == {("127.0.0.1", 8765), ("demo.local", None), ("::1", 8080)}
    assert ingest.allow_private_networks is False


def deploy_warnings() -> set[str]:
    return {message.id for message in checks.run_checks(include_deployment_checks=True) if message.id}


def test_deploy_check_leaves_only_the_https_choices_to_the_operator(settings):
    settings.DEBUG = False
    assert deploy_warnings() == HTTPS_WARNINGS
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    # includeSubDomains and preload would bind the operator's whole domain: their choice, not ours.
    assert deploy_warnings() == {"security.W005", "security.W021"}


def test_cache_is_per_process_by_default_and_redis_when_given(settings_from, monkeypatch):
    monkeypatch.delenv("GAZETTE_CACHE_URL", raising=False)
    assert "CACHES" not in settings_from()  # Django's default: each process's own memory
    found = settings_from(GAZETTE_CACHE_URL="redis://127.0.0.1:6379/3")
    assert found["CACHES"]["default"]["BACKEND"] == "gazette.ops.cache.FallbackRedisCache"
    assert found["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/3"


def test_cache_url_of_another_kind_stops_start_up(settings_from):
    with pytest.raises(ConfigError, match="GAZETTE_CACHE_URL"):
        settings_from(GAZETTE_CACHE_URL="memcached://127.0.0.1:11211")


def test_trusted_proxies_are_networks_and_bad_ones_stop_start_up(settings_from):
    found = settings_from(GAZETTE_TRUSTED_PROXIES="10.0.0.0/8,127.0.0.1")
    assert [str(n) for n in found["GAZETTE_TRUSTED_PROXIES"]] == ["10.0.0.0/8", "127.0.0.1/32"]
    with pytest.raises(ConfigError, match="GAZETTE_TRUSTED_PROXIES"):
        settings_from(GAZETTE_TRUSTED_PROXIES="proxy.example")


def test_the_sqlite_file_is_readable_by_its_owner_only(settings_from, monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings_from()
    assert (tmp_path / "gazette.sqlite3").stat().st_mode & 0o777 == 0o600
    (tmp_path / "gazette.sqlite3").chmod(0o644)  # made by an older release
    settings_from()
    assert (tmp_path / "gazette.sqlite3").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "secret_key").exists() is False or (
        tmp_path / "secret_key"
    ).stat().st_mode & 0o077 == 0


def test_poll_lease_from_the_environment(settings_from):
    assert settings_from()["GAZETTE_JOBS"].poll_lease == 600
    assert settings_from(GAZETTE_POLL_LEASE="45")["GAZETTE_JOBS"].poll_lease == 45


def test_llm_settings_are_read_once_into_one_object(settings_from, monkeypatch):
    for name in (
        "GAZETTE_LLM_BASE_URL",
        "GAZETTE_LLM_MODEL",
        "GAZETTE_LLM_TIMEOUT",
        "GAZETTE_LLM_DAILY_LIMIT",
    ):
        monkeypatch.delenv(name, raising=False)
    assert settings_from()["GAZETTE_LLM"] == LLMConfig() and not LLMConfig().enabled
    found = settings_from(
        GAZETTE_LLM_BASE_URL="http://127.0.0.1:11434/v1",
        GAZETTE_LLM_MODEL="llama3.2",
        GAZETTE_LLM_API_KEY="sekret",
        GAZETTE_LLM_TIMEOUT="5",
        GAZETTE_LLM_DAILY_LIMIT="7",
    )["GAZETTE_LLM"]
    assert found == LLMConfig(
        base_url="http://127.0.0.1:11434/v1", model="llama3.2", api_key="sekret", timeout=5.0, daily_limit=7
    )
    assert found.enabled and "sekret" not in repr(found)


def test_a_base_url_without_a_model_stops_start_up(settings_from, monkeypatch):
    monkeypatch.delenv("GAZETTE_LLM_MODEL", raising=False)
    with pytest.raises(ConfigError, match="GAZETTE_LLM_MODEL"):
        settings_from(GAZETTE_LLM_BASE_URL="http://127.0.0.1:11434/v1")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("GAZETTE_FETCH_TIMEOUT", "soon"),
        ("GAZETTE_WEB_WORKERS", "0"),
        ("GAZETTE_EMBEDDING_MODEL", "./gone"),
        ("GAZETTE_LLM_TIMEOUT", "soon"),
        ("GAZETTE_LLM_DAILY_LIMIT", "-5"),
    ],
)
def test_a_bad_value_stops_the_program_before_it_starts(tmp_path, name, value):
    # The program as an operator starts it: one line naming the variable, no traceback. The LLM's
    # values are checked whether or not an LLM is configured.
    env = {**os.environ, "GAZETTE_DATA_DIR": str(tmp_path), "GAZETTE_SECRET_KEY": "x" * 60, name: value}
    proc = subprocess.run(
        [sys.executable, "-m", "gazette", "manage", "check"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode != 0
    assert f"error: {name}=" in proc.stderr and "Traceback" not in proc.stderr


# Modules that read the environment: the settings module, its typed helpers, and the tables of
# settings it builds when it starts. Everything else is given the values (django.conf.settings).
SETTINGS_MODULES = {
    "settings.py",
    "conf.py",
    "ai/config.py",
    "ingest/config.py",
    "jobs/config.py",
    "stories/config.py",
}
ENV_HELPERS = {"env_str", "env_bool", "env_int", "env_float", "env_choice", "env_list"}
ENV_READS = {"get", "items", "keys", "values"}


def _reads_environ(node: ast.AST) -> bool:
    """`os.environ.get(…)`, `.items()`…, `os.environ[…]` or `… in os.environ`; writes (a child's env) are not."""
    if not (isinstance(node, ast.Attribute) and node.attr == "environ"):
        return False
    parent = getattr(node, "parent", None)
    if isinstance(parent, ast.Attribute):
        return parent.attr in ENV_READS
    if isinstance(parent, ast.Subscript):
        return isinstance(parent.ctx, ast.Load)
    return isinstance(parent, ast.Compare)


def _environment_reads(tree: ast.AST) -> list[int]:
    """Lines that read the environment: os.environ, os.getenv, or one of the typed helpers."""
    lines = []
    for node in ast.walk(tree):
        getenv = isinstance(node, ast.Attribute) and node.attr in {"getenv", "getenvb"}
        called = node.func if isinstance(node, ast.Call) else None
        helper = (isinstance(called, ast.Name) and called.id in ENV_HELPERS) or (
            isinstance(called, ast.Attribute) and called.attr in ENV_HELPERS
        )
        if getenv or helper or _reads_environ(node):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            lines += [node.lineno for alias in node.names if alias.name in {"environ", "getenv"}]
    return lines


def test_no_module_reads_the_environment_outside_the_settings_modules():
    package = Path(gazette.__file__).parent
    found = {}
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(package).as_posix()
        if name in SETTINGS_MODULES or "/migrations/" in name:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                child.parent = node  # type: ignore[attr-defined]
        if lines := _environment_reads(tree):
            found[name] = lines
    assert found == {}


def _without_data_dir(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GAZETTE_DATA_DIR", "DATABASE_URL")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return {**env, "GAZETTE_SECRET_KEY": "x" * 60, **extra}


def test_the_default_data_folder_is_the_projects_whatever_the_working_directory(tmp_path):
    # As `.venv/bin/gazette` run from another folder: the database is the checkout's, not a new one.
    project = Path(gazette.__file__).resolve().parent.parent
    script = "import gazette.settings as s; print(s.DATA_DIR); print(s.DATABASES['default']['NAME'])"
    env = _without_data_dir(PYTHONPATH=str(project))
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    data_dir, database = proc.stdout.split()
    assert Path(data_dir) == project / "data"
    assert Path(database) == project / "data" / "gazette.sqlite3"
    assert not (tmp_path / "data").exists()


def test_an_install_outside_a_checkout_refuses_to_guess_a_data_folder(tmp_path):
    site, cwd = tmp_path / "site", tmp_path / "elsewhere"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(Path(gazette.__file__).resolve().parent, site / "gazette", ignore=ignore)
    cwd.mkdir()
    env = _without_data_dir(PYTHONPATH=str(site))
    proc = subprocess.run(
        [sys.executable, "-m", "gazette", "manage", "check"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
    )
    assert proc.returncode == 2
    assert "error: GAZETTE_DATA_DIR is not set" in proc.stderr and "Traceback" not in proc.stderr
    assert list(cwd.iterdir()) == []


def test_mail_goes_to_the_console_until_an_smtp_host_is_set(settings_from, monkeypatch):
    monkeypatch.delenv("GAZETTE_EMAIL_HOST", raising=False)
    assert settings_from()["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    found = settings_from(
        GAZETTE_EMAIL_HOST="smtp.example.org", GAZETTE_EMAIL_PORT="465", GAZETTE_EMAIL_USER="gazette",
        GAZETTE_EMAIL_USE_TLS="no", GAZETTE_EMAIL_FROM="news@example.org",
    )  # fmt: skip
    assert found["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (found["EMAIL_HOST"], found["EMAIL_PORT"], found["EMAIL_HOST_USER"]) == (
        "smtp.example.org",
        465,
        "gazette",
    )
    assert found["EMAIL_USE_TLS"] is False and found["DEFAULT_FROM_EMAIL"] == "news@example.org"
