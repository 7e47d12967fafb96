import asyncio

from gazette.ingest.fetcher import Fetcher, FetchOptions
from gazette.ingest.robots import RobotsCache, host_key
from tests import httpserver

http_server = httpserver.http_server  # the fixture, re-exported so pytest finds it here

UA = FetchOptions().user_agent
LOCAL = FetchOptions(allow_private=True)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def ask(cache, urls, user_agent=UA, options=LOCAL):
    async def run():
        async with Fetcher(options) as fetcher:
            return [await cache.allowed(fetcher, url, user_agent) for url in urls]

    return asyncio.run(run())


def test_allow_and_disallow(http_server):
    http_server.route("/robots.txt", "User-agent: *\nDisallow: /private\n")
    cache = RobotsCache()
    urls = [http_server.url("/feed.xml"), http_server.url("/private/feed.xml"), http_server.url("/")]
    assert ask(cache, urls) == [True, False, True]
    assert len(http_server.requests_for("/robots.txt")) == 1


def test_rules_for_our_user_agent(http_server):
    http_server.route("/robots.txt", "User-agent: Gazette\nDisallow: /\n\nUser-agent: *\nAllow: /\n")
    cache = RobotsCache()
    url = http_server.url("/feed.xml")
    assert ask(cache, [url]) == [False]
    assert ask(cache, [url], user_agent="OtherBot/1.0") == [True]


def test_missing_robots_allows_everything(http_server):
    assert ask(RobotsCache(), [http_server.url("/anything")]) == [True]


def test_forbidden_robots_allows_everything(http_server):
    # RFC 9309: a 4xx robots.txt, 401 and 403 included, means there are no rules.
    http_server.route("/robots.txt", "User-agent: *\nDisallow: /\n", status=403)
    assert ask(RobotsCache(), [http_server.url("/feed")]) == [True]


def test_server_error_allows_briefly(http_server):
    http_server.route("/robots.txt", "User-agent: *\nDisallow: /\n", status=503)
    clock = Clock()
    cache = RobotsCache(error_ttl=600, clock=clock)
    url = http_server.url("/feed")
    assert ask(cache, [url]) == [True]

    http_server.route("/robots.txt", "User-agent: *\nDisallow: /\n")
    clock.now += 599
    assert ask(cache, [url]) == [True]
    clock.now += 2
    assert ask(cache, [url]) == [False]
    assert len(http_server.requests_for("/robots.txt")) == 2


def test_server_error_keeps_previous_rules(http_server):
    http_server.route("/robots.txt", "User-agent: *\nDisallow: /private\n")
    clock = Clock()
    cache = RobotsCache(ttl=3600, clock=clock)
    private = http_server.url("/private/x")
    assert ask(cache, [private]) == [False]

    http_server.route("/robots.txt", "", status=500)
    clock.now += 3601
    assert ask(cache, [private]) == [False]
    assert len(http_server.requests_for("/robots.txt")) == 2


def test_timeout_allows(http_server):
    http_server.route("/robots.txt", "User-agent: *\nDisallow: /\n", delay=3)
    options = FetchOptions(allow_private=True, timeout=0.3)
    assert ask(RobotsCache(), [http_server.url("/feed")], options=options) == [True]


def test_ttl_expiry_refetches(http_server):
    http_server.route("/robots.txt", "User-agent: *\nDisallow:\n")
    clock = Clock()
    cache = RobotsCache(ttl=100, clock=clock)
    url = http_server.url("/feed")
    assert ask(cache, [url]) == [True]
    http_server.route("/robots.txt", "User-agent: *\nDisallow: /\n")
    clock.now += 50
    assert ask(cache, [url]) == [True]
    clock.now += 51
    assert ask(cache, [url]) == [False]


def test_redirected_robots_is_followed(http_server):
    http_server.redirect("/robots.txt", "/real-robots.txt", status=301)
    http_server.route("/real-robots.txt", "User-agent: *\nDisallow: /\n")
    assert ask(RobotsCache(), [http_server.url("/feed")]) == [False]


def test_concurrent_questions_fetch_once(http_server):
    http_server.route("/robots.txt", "User-agent: *\nDisallow: /x\n", delay=0.2)
    cache = RobotsCache()

    async def run():
        async with Fetcher(LOCAL) as fetcher:
            urls = [http_server.url(f"/{p}") for p in ("a", "x", "b", "x/y")]
            return await asyncio.gather(*(cache.allowed(fetcher, u, UA) for u in urls))

    assert asyncio.run(run()) == [True, False, True, False]
    assert len(http_server.requests_for("/robots.txt")) == 1


def test_crawl_delay(http_server):
    http_server.route("/robots.txt", "User-agent: *\nCrawl-delay: 5\nRequest-rate: 1/20\nDisallow: /x\n")
    cache = RobotsCache()
    url = http_server.url("/feed")
    host = host_key(url)
    assert cache.crawl_delay(host) is None  # not fetched yet
    ask(cache, [url])
    assert cache.crawl_delay(host) == 20.0  # the stricter of the two rules
    assert cache.crawl_delay(url) == 20.0


def test_no_crawl_delay(http_server):
    http_server.route("/robots.txt", "User-agent: *\nDisallow: /x\n")
    cache = RobotsCache()
    ask(cache, [http_server.url("/feed")])
    assert cache.crawl_delay(host_key(http_server.url("/"))) is None


def test_host_key():
    assert host_key("https://Example.com/feed") == "example.com"
    assert host_key("http://example.com:8080/feed") == "example.com:8080"
    assert host_key("example.com") == "example.com"


def test_cache_is_bounded(http_server):
    http_server.route("/robots.txt", "User-agent: *\nDisallow:\n")
    cache = RobotsCache(max_hosts=1)
    ask(cache, [http_server.url("/a")])
    ask(cache, [f"http://localhost:{http_server.port}/a"])
    assert len(cache._entries) == 1
