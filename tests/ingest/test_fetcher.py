import asyncio
import contextlib
import socket
import tracemalloc

import aiohttp
import pytest
from aiohttp.abc import AbstractResolver

from gazette.ingest import fetcher as fetcher_module
from gazette.ingest.fetcher import Fetcher, FetchOptions, FetchRequest, is_private_address
from tests import httpserver
from tests.httpserver import LocalHTTPServer, free_port

http_server = httpserver.http_server  # the fixture, re-exported so pytest finds it here

LOCAL = FetchOptions(allow_private=True)


def fetch(url, options=LOCAL, **kwargs):
    async def run():
        async with Fetcher(options) as fetcher:
            return await fetcher.fetch(url, **kwargs)

    return asyncio.run(run())


def fetch_all(urls, options=LOCAL, resolver=None):
    async def run():
        async with Fetcher(options, resolver=resolver) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(url) for url in urls))

    return asyncio.run(run())


class MappingResolver(AbstractResolver):
    """Resolves a few made-up names to fixed addresses and everything else like the system does."""

    def __init__(self, names):
        self.names = names

    async def resolve(self, host, port=0, family=socket.AF_INET):
        if host.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if host not in self.names:
            return await aiohttp.ThreadedResolver().resolve(host, port, family)
        address = self.names[host]
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET,
                "proto": 0,
                "flags": 0,
            }
        ]

    async def close(self):
        pass


# -- conditional GET -----------------------------------------------------------------------------


def test_etag_then_not_modified(http_server):
    lm = "Wed, 01 Jan 2025 00:00:00 GMT"
    http_server.route("/feed", b"<rss/>", etag='"v1"', last_modified=lm)

    first = fetch(http_server.url("/feed"))
    assert first.ok and first.status == 200
    assert first.body == b"<rss/>"
    assert (first.etag, first.last_modified) == ('"v1"', lm)

    second = fetch(http_server.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.error is None
    assert second.body == b""

    sent = http_server.requests_for("/feed")
    assert "if-none-match" not in sent[0].headers
    assert sent[1].headers["if-none-match"] == '"v1"'
    assert sent[1].headers["if-modified-since"] == lm


def test_if_modified_since_alone(http_server):
    lm = "Wed, 01 Jan 2025 00:00:00 GMT"
    http_server.route("/feed", b"<rss/>", last_modified=lm)
    assert fetch(http_server.url("/feed"), last_modified=lm).status == 304


def test_sends_honest_user_agent_and_accept(http_server):
    http_server.route("/feed", b"x")
    fetch(http_server.url("/feed"), accept="application/rss+xml")
    headers = http_server.requests[0].headers
    assert headers["user-agent"] == FetchOptions().user_agent
    assert headers["accept"] == "application/rss+xml"
    assert headers["accept-encoding"] == "gzip, deflate, br"


def test_headers_and_charset(http_server):
    http_server.route("/feed", b"x", headers={"Content-Type": "application/rss+xml; charset=ISO-8859-1"})
    result = fetch(http_server.url("/feed"))
    assert result.content_type == "application/rss+xml"
    assert result.encoding == "ISO-8859-1"
    assert result.headers["content-type"].startswith("application/rss+xml")


# -- compression and size caps -------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_compressed_bodies(http_server, encoding):
    body = b"<rss>" + b"news " * 2000 + b"</rss>"
    http_server.route("/feed", body, encoding=encoding)
    result = fetch(http_server.url("/feed"))
    assert result.ok, result.error
    assert result.body == body


def test_content_length_over_cap_is_not_read(http_server):
    http_server.route("/big", bytes(5000))
    result = fetch(http_server.url("/big"), FetchOptions(allow_private=True, max_bytes=1000))
    assert result.error == "response larger than 1000 bytes"
    assert result.status == 200 and not result.ok
    assert result.body == b""


def test_streamed_body_over_cap_is_aborted(http_server):
    http_server.route("/stream", stream_size=50 * 1024 * 1024)
    result = fetch(http_server.url("/stream"), FetchOptions(allow_private=True, max_bytes=1024 * 1024))
    assert result.error == "response larger than 1 MB"
    assert len(result.body) <= 1024 * 1024


def test_body_at_cap_is_fine(http_server):
    http_server.route("/stream", stream_size=100_000)
    result = fetch(http_server.url("/stream"), FetchOptions(allow_private=True, max_bytes=100_000))
    assert result.ok and len(result.body) == 100_000


def test_gzip_bomb_is_aborted_early(http_server):
    http_server.gzip_bomb("/bomb", size=200 * 1024 * 1024)
    options = FetchOptions(allow_private=True, max_bytes=1024 * 1024)
    tracemalloc.start()
    try:
        result = fetch(http_server.url("/bomb"), options)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.error == "response larger than 1 MB"
    assert len(result.body) <= options.max_bytes
    assert peak < 5 * options.max_bytes  # nowhere near the 200 MB it inflates to


# -- failures ------------------------------------------------------------------------------------


def test_timeout(http_server):
    http_server.route("/slow", b"late", delay=5)
    result = fetch(http_server.url("/slow"), FetchOptions(allow_private=True, timeout=0.5))
    assert result.status is None
    assert result.error == "timeout after 0.5s"


def test_timeout_while_streaming_body(http_server):
    http_server.route("/drip", stream_size=10 * 64 * 1024, chunk_delay=0.3)
    result = fetch(http_server.url("/drip"), FetchOptions(allow_private=True, timeout=0.5))
    assert result.error == "timeout after 0.5s"


@pytest.mark.parametrize(
    ("status", "message"),
    [(404, "HTTP 404 Not Found"), (410, "HTTP 410 Gone"), (500, "HTTP 500 Internal Server Error")],
)
def test_http_errors_keep_status_and_body(http_server, status, message):
    http_server.route("/feed", b"oops", status=status)
    result = fetch(http_server.url("/feed"))
    assert (result.status, result.error, result.body) == (status, message, b"oops")
    assert not result.ok


def test_connection_refused():
    result = fetch(f"http://127.0.0.1:{free_port()}/feed")
    assert result.status is None
    assert result.error == "connection refused"


def test_dns_failure():
    result = fetch_all(["http://x.invalid/feed"], resolver=MappingResolver({}))[0]
    assert result.error == "DNS lookup failed for x.invalid"


@pytest.mark.parametrize("url", ["ftp://example.com/feed", "file:///etc/passwd", "not a url"])
def test_unsupported_urls(url):
    result = fetch(url)
    assert result.status is None and result.error


# -- redirects -----------------------------------------------------------------------------------


def test_redirect_chain_is_followed(http_server):
    http_server.redirect("/a", "/b", status=301)
    http_server.redirect("/b", http_server.url("/c"), status=308)
    http_server.route("/c", b"here")
    result = fetch(http_server.url("/a"))
    assert result.ok and result.body == b"here"
    assert result.url == http_server.url("/a")
    assert result.final_url == http_server.url("/c")


def test_conditional_headers_survive_redirects(http_server):
    http_server.redirect("/old", "/new", status=301)
    http_server.route("/new", b"x", etag='"e"')
    assert fetch(http_server.url("/old"), etag='"e"').not_modified


def _chain(server, length):
    for i in range(length):
        server.redirect(f"/r{i}", f"/r{i + 1}")
    server.route(f"/r{length}", b"end")


def test_redirects_up_to_the_cap(http_server):
    _chain(http_server, 5)
    assert fetch(http_server.url("/r0")).body == b"end"


def test_too_many_redirects(http_server):
    _chain(http_server, 6)
    result = fetch(http_server.url("/r0"))
    assert result.error == "too many redirects (>5)"
    assert len(http_server.requests) == 6


def test_redirect_loop(http_server):
    http_server.redirect("/x", "/y")
    http_server.redirect("/y", "/x")
    result = fetch(http_server.url("/x"))
    assert result.error.startswith("redirect loop at ")
    assert len(http_server.requests) == 2


def test_redirect_without_location(http_server):
    http_server.route("/feed", status=302)
    assert fetch(http_server.url("/feed")).error == "HTTP 302 Found without a Location header"


def test_redirect_to_other_scheme_is_refused(http_server):
    http_server.redirect("/feed", "file:///etc/passwd")
    assert fetch(http_server.url("/feed")).error == "unsupported URL scheme 'file'"


# -- private addresses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.0.0.5", "172.16.3.4", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
     "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fd00::1", "ff02::1", "::ffff:127.0.0.1",
     "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:7f00:1::", "not-an-ip"],
)  # fmt: skip
def test_private_addresses(address):
    assert is_private_address(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111", "::ffff:1.1.1.1"])
def test_public_addresses(address):
    assert not is_private_address(address)


def test_private_destinations_are_refused(http_server):
    http_server.route("/", b"secret")
    port = http_server.port
    results = fetch_all(
        [
            f"http://127.0.0.1:{port}/",
            f"http://localhost:{port}/",
            f"http://[::1]:{port}/",
            f"http://[::ffff:127.0.0.1]:{port}/",
            "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.5/feed",
            f"http://2130706433:{port}/",  # 127.0.0.1 written as a number
        ],
        FetchOptions(),
    )
    for result in results:
        assert result.status is None
        assert result.error.startswith(("refused: ", "invalid URL")), (result.url, result.error)
    assert results[0].error == "refused: 127.0.0.1 is a private address"
    assert results[1].error == "refused: 127.0.0.1 is a private address (localhost)"
    assert results[4].error == "refused: 169.254.169.254 is a private address"
    assert results[5].error == "refused: 10.0.0.5 is a private address"
    assert http_server.requests == []


def test_redirect_to_private_address_is_refused(http_server, monkeypatch):
    # news.example.com stands for a public site. It really lives on 127.0.0.2, which only this test
    # treats as public, so that its redirects to 127.0.0.1 (the "internal" service) are judged by
    # the unmodified rule.
    real_rule = fetcher_module.is_private_address
    monkeypatch.setattr(fetcher_module, "is_private_address", lambda ip: ip != "127.0.0.2" and real_rule(ip))
    http_server.route("/secret", b"internal")
    with LocalHTTPServer("127.0.0.2") as public:
        public.route("/feed", b"public feed")
        public.redirect("/to-literal", http_server.url("/secret"))
        public.redirect("/to-localhost", f"http://localhost:{http_server.port}/secret")
        public.redirect("/to-metadata", "http://169.254.169.254/latest/meta-data/")
        resolver = MappingResolver({"news.example.com": "127.0.0.2"})
        base = f"http://news.example.com:{public.port}"
        paths = ["/feed", "/to-literal", "/to-localhost", "/to-metadata"]

        blocked = fetch_all([base + p for p in paths], FetchOptions(), resolver)
        assert blocked[0].ok and blocked[0].body == b"public feed"
        assert blocked[1].error == "refused: 127.0.0.1 is a private address"
        assert blocked[2].error == "refused: 127.0.0.1 is a private address (localhost)"
        assert blocked[3].error == "refused: 169.254.169.254 is a private address"
        assert blocked[1].final_url == http_server.url("/secret")
        assert http_server.requests == []

        # The same redirect goes through when private addresses are allowed: the rule is what
        # stopped it above, not the test's wiring.
        allowed = fetch_all([base + "/to-literal"], LOCAL, resolver)[0]
        assert allowed.ok and allowed.body == b"internal"


def test_only_the_listed_private_host_and_port_are_reached(http_server):
    http_server.route("/feed", b"demo feed")
    with LocalHTTPServer() as other:
        other.route("/secret", b"internal")
        http_server.redirect("/to-other", other.url("/secret"))
        http_server.redirect("/to-self", http_server.url("/feed"))
        listed = FetchOptions(private_hosts=frozenset({("127.0.0.1", http_server.port)}))
        results = fetch_all(
            [
                http_server.url("/feed"),
                http_server.url("/to-self"),
                other.url("/secret"),  # the same address on another port
                f"http://localhost:{http_server.port}/feed",  # another name for it: not listed
                http_server.url("/to-other"),  # each hop judged by its own host
            ],
            listed,
        )
        assert [r.body for r in results[:2]] == [b"demo feed", b"demo feed"]
        for refused in results[2:]:
            assert refused.status is None and "is a private address" in refused.error, refused.url
        assert other.requests == []
        # A listed name is resolved and reached, for any port when listed without one.
        by_name = FetchOptions(private_hosts=frozenset({("localhost", None)}))
        assert fetch(other.url("/secret").replace("127.0.0.1", "localhost"), by_name).body == b"internal"


def test_resolver_drops_private_answers_but_keeps_public_ones(monkeypatch):
    class Mixed(AbstractResolver):
        async def resolve(self, host, port=0, family=socket.AF_INET):
            return [
                {"hostname": host, "host": ip, "port": port, "family": socket.AF_INET, "proto": 0, "flags": 0}
                for ip in ("10.1.2.3", "93.184.215.14")
            ]

        async def close(self):
            pass

    resolver = fetcher_module.PublicOnlyResolver(Mixed())
    answers = asyncio.run(resolver.resolve("mixed.example", 80))
    assert [a["host"] for a in answers] == ["93.184.215.14"]


# -- politeness ----------------------------------------------------------------------------------


def test_per_host_limit(http_server):
    http_server.route("/slow", b"x", delay=0.2)
    urls = [http_server.url(f"/slow?i={i}") for i in range(8)]
    results = fetch_all(urls, FetchOptions(allow_private=True, per_host_limit=2))
    assert all(r.ok for r in results)
    assert http_server.max_in_flight == 2


def test_per_host_limit_does_not_count_against_timeout(http_server):
    # Requests queued behind a busy host start their clock only when they get a slot.
    http_server.route("/slow", b"x", delay=0.3)
    urls = [http_server.url(f"/slow?i={i}") for i in range(6)]
    results = fetch_all(urls, FetchOptions(allow_private=True, per_host_limit=1, timeout=1.0))
    assert all(r.ok for r in results), [r.error for r in results]


def test_host_delay_spaces_out_requests(http_server):
    http_server.route("/feed", b"x")
    urls = [http_server.url(f"/feed?i={i}") for i in range(4)]
    fetch_all(urls, FetchOptions(allow_private=True, per_host_limit=4, host_delay=0.3))
    starts = sorted(r.started for r in http_server.requests)
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(gaps) == 3
    assert min(gaps) >= 0.2  # generous: the delay only ever makes gaps longer


# -- fetch_many ----------------------------------------------------------------------------------


def test_fetch_many(http_server):
    for i in range(50):
        http_server.route(f"/feed/{i}", f"feed {i}", etag=f'"{i}"')

    async def run():
        async with Fetcher(FetchOptions(allow_private=True, per_host_limit=10)) as fetcher:
            requests = (
                FetchRequest(http_server.url(f"/feed/{i}"), etag=f'"{i}"' if i % 2 else None)
                for i in range(50)
            )
            return [r async for r in fetcher.fetch_many(requests)]

    results = asyncio.run(run())
    assert len(results) == 50
    by_url = {r.url: r for r in results}
    assert by_url[http_server.url("/feed/1")].not_modified
    assert by_url[http_server.url("/feed/2")].body == b"feed 2"
    assert sum(r.not_modified for r in results) == 25


def test_fetch_many_stops_cleanly_when_abandoned(http_server):
    http_server.route("/slow", b"x", delay=0.2)

    async def run():
        async with Fetcher(FetchOptions(allow_private=True, per_host_limit=2)) as fetcher:
            requests = [FetchRequest(http_server.url(f"/slow?i={i}")) for i in range(20)]
            async with contextlib.aclosing(fetcher.fetch_many(requests)) as results:
                async for result in results:
                    return result

    assert asyncio.run(run()).ok
    assert len(http_server.requests) < 20


def test_fetch_outside_context_is_a_programming_error():
    with pytest.raises(RuntimeError):
        asyncio.run(Fetcher().fetch("http://example.com/"))
