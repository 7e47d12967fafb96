"""/metrics: who may read it, what a real poll counts, jobs, queue depth, and several processes."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from gazette.ops.health import queue_depth_provider_set
from gazette.ops.metrics import metrics_fetch_error, metrics_job_observe, metrics_poll_observe
from gazette.sources.models import Source
from gazette.sources.polling import sources_poll
from tests.ops.scrape import parse, scrape, value
from tests.sources.feedkit import BODY, rss

ROOT = Path(__file__).resolve().parents[2]


# -- access --------------------------------------------------------------------------------------


def test_loopback_may_scrape(client):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "no-store" in response["Cache-Control"]
    assert b"# TYPE gazette_polls_total counter" in response.content
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200


def test_other_addresses_are_refused(client):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 403
    assert b"gazette_" not in response.content


def test_allow_list_takes_networks(client, settings):
    settings.GAZETTE_METRICS_ALLOW = [ipaddress.ip_network("10.0.0.0/8")]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def test_behind_a_trusted_proxy_the_forwarded_address_decides(client, settings):
    settings.GAZETTE_TRUSTED_PROXIES = [ipaddress.ip_network("127.0.0.1/32")]
    # The proxy runs on this machine, but the request came from outside through it.
    assert (
        client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403
    )
    settings.GAZETTE_TRUSTED_PROXIES = []
    # Without trusted proxies the header is the client's own claim and is ignored.
    assert (
        client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 403
    )


# -- polls ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_real_poll_is_counted(client, http_server, ingest_settings, settings):
    settings.GAZETTE_EMBEDDINGS = False  # the model's load time is not what this test is about
    content = "".join(f"<p>{p}</p>" for p in BODY * 2)  # full text: no article page to fetch
    items = [
        {"guid": "m1", "link": http_server.url("/m1.html"), "title": "Ferry delayed", "content": content}
    ]
    http_server.route("/feed.xml", rss(items), etag='"v1"', headers={"Content-Type": "application/rss+xml"})
    http_server.route("/gone.xml", b"gone", status=404)
    good = Source.objects.create(feed_url=http_server.url("/feed.xml"), next_poll_at=timezone.now())
    bad = Source.objects.create(feed_url=http_server.url("/gone.xml"), next_poll_at=timezone.now())
    before = scrape(client)

    summary = sources_poll([good, bad])
    assert summary.polled == 2 and summary.failed == 1 and summary.new_articles == 1
    sources_poll([Source.objects.get(pk=good.pk)])  # answered 304

    after = scrape(client)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("gazette_polls_total", outcome="ok") == 1
    assert delta("gazette_polls_total", outcome="error") == 1
    assert delta("gazette_polls_total", outcome="not_modified") == 1
    assert delta("gazette_fetch_errors_total", kind="http_4xx") == 1


def test_unknown_poll_outcome_is_a_bug_not_a_new_series():
    with pytest.raises(ValueError):
        metrics_poll_observe("partly")


def test_fetch_errors_are_counted_by_kind_never_by_text(client):
    before = scrape(client)
    metrics_fetch_error("DNS lookup failed for news.example.com")
    metrics_fetch_error("timeout after 20s")
    after = scrape(client)
    assert (
        value(after, "gazette_fetch_errors_total", kind="dns")
        - value(before, "gazette_fetch_errors_total", kind="dns")
        == 1
    )
    assert all("news.example.com" not in str(labels) for _, labels in after)


# -- jobs and queues -----------------------------------------------------------------------------


def test_job_durations_land_in_the_histogram(client):
    before = scrape(client)
    metrics_job_observe("ai", "summary", 0.3)
    metrics_job_observe("ai", "summary", 45.0)
    after = scrape(client)
    labels = {"queue": "ai", "task": "summary"}
    count = value(after, "gazette_job_seconds_count", **labels) - value(
        before, "gazette_job_seconds_count", **labels
    )
    assert count == 2
    fast = value(after, "gazette_job_seconds_bucket", le="0.5", **labels) - value(
        before, "gazette_job_seconds_bucket", le="0.5", **labels
    )
    assert fast == 1


def test_queue_depth_is_asked_at_scrape_time(client):
    depths = {"default": 4}
    queue_depth_provider_set(lambda: dict(depths))
    assert value(scrape(client), "gazette_queue_depth", queue="default") == 4
    depths["default"] = 1
    assert value(scrape(client), "gazette_queue_depth", queue="default") == 1


def test_failing_queue_provider_does_not_break_the_scrape(client):
    def provider():
        raise ConnectionError("redis is down")

    queue_depth_provider_set(provider)
    samples = scrape(client)
    assert not any(name == "gazette_queue_depth" for name, _ in samples)


# -- several processes ---------------------------------------------------------------------------

CHILD = """
import django
django.setup()
from gazette.ops.metrics import metrics_job_observe, metrics_poll_observe
metrics_poll_observe("ok")
metrics_job_observe("default", "digest", 0.2)
"""


def test_multiprocess_mode_adds_up_every_process(client, settings, tmp_path):
    folder = tmp_path / "metrics"
    folder.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "gazette.settings",
        "GAZETTE_DATA_DIR": str(tmp_path),
        "GAZETTE_SECRET_KEY": "x" * 60,
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
    }
    for _ in range(2):
        subprocess.run([sys.executable, "-c", CHILD], env=env, check=True, timeout=120)
    files = sorted(path.name for path in folder.iterdir())
    # Named by host as well as pid, so containers sharing the folder (all pid 1) never share a file.
    assert files and all("_" in name and "-" in name.split("_", 1)[1] for name in files), files

    settings.PROMETHEUS_MULTIPROC_DIR = str(folder)
    samples = scrape(client)
    assert value(samples, "gazette_polls_total", outcome="ok") == 2
    assert value(samples, "gazette_job_seconds_count", queue="default", task="digest") == 2


def test_parse_helper_reads_counters():
    text = '# TYPE gazette_polls counter\ngazette_polls_total{outcome="ok"} 3.0\n'
    assert value(parse(text), "gazette_polls_total", outcome="ok") == 3
