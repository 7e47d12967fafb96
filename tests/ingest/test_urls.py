import pytest

from gazette.ingest.urls import TRACKING_PARAMS, canonicalize_url, same_site, url_host, url_site


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # scheme and host case, default ports, empty path
        ("HTTP://Example.COM", "http://example.com/"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:80/a", "https://example.com:80/a"),
        ("http://example.com:8080", "http://example.com:8080/"),
        ("https://example.com./a", "https://example.com/a"),
        # fragments go, except hash-bang routes
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com/#!/story/42", "https://example.com/#!/story/42"),
        # tracking parameters go, the rest are sorted by name
        ("https://example.com/a?utm_source=rss&utm_medium=feed", "https://example.com/a"),
        ("https://example.com/a?b=2&utm_campaign=x&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?UTM_Source=x&FBCLID=y&id=7", "https://example.com/a?id=7"),
        (
            "https://example.com/a?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&ref=5&cmpid=6&ocid=7&_ga=8&igshid=9",
            "https://example.com/a",
        ),
        (
            "https://example.com/a?mtm_campaign=x&pk_campaign=y&itm_source=z&page=2",
            "https://example.com/a?page=2",
        ),
        # parameters that merely look like trackers stay
        (
            "https://example.com/a?source=1&uid=2&id=3&session=4",
            "https://example.com/a?id=3&session=4&source=1&uid=2",
        ),
        ("https://example.com/a?referrer_id=1", "https://example.com/a?referrer_id=1"),
        # repeated names keep their relative order; blank values and "+" survive
        ("https://example.com/s?tag=b&q=a+b&tag=a&empty=", "https://example.com/s?empty=&q=a+b&tag=b&tag=a"),
        ("https://example.com/s?&&a=1&", "https://example.com/s?a=1"),
        ("https://example.com/s?", "https://example.com/s"),
        # percent-encoding normalised, reserved escapes kept
        ("https://example.com/%7Euser/%2F%2f?q=%2a", "https://example.com/~user/%2F%2F?q=%2A"),
        ("https://example.com/caf%c3%a9", "https://example.com/caf%C3%A9"),
        ("https://example.com/café déjà", "https://example.com/caf%C3%A9%20d%C3%A9j%C3%A0"),
        ("https://example.com/100%", "https://example.com/100%25"),
        # dot segments resolved, duplicate slashes and trailing slashes and index pages kept
        ("https://example.com/a/./b/../c", "https://example.com/a/c"),
        ("https://example.com/a//b/", "https://example.com/a//b/"),
        ("https://example.com/news/index.html", "https://example.com/news/index.html"),
        ("https://example.com/../a", "https://example.com/a"),
        # internationalised domain names become IDNA
        ("https://Bücher.Example/x", "https://xn--bcher-kva.example/x"),
        ("https://xn--bcher-kva.example/x", "https://xn--bcher-kva.example/x"),
        # IPv6, user info
        ("http://[2001:DB8::1]:8080/a", "http://[2001:db8::1]:8080/a"),
        ("https://user:pw@Example.com/", "https://user:pw@example.com/"),
        # surrounding whitespace, scheme-less input
        ("  https://example.com/a \n", "https://example.com/a"),
        ("example.com/news", "https://example.com/news"),
        ("example.com:8080/news", "https://example.com:8080/news"),
        ("//cdn.example.com/a.js", "https://cdn.example.com/a.js"),
    ],
)
def test_canonicalize_url(url, expected):
    assert canonicalize_url(url) == expected


def test_canonicalize_is_idempotent():
    for url in [
        "HTTP://Example.COM:80/a/./b/%7e?utm_source=x&b=2&a=1#frag",
        "https://Bücher.Example/café?q=ä ö",
        "https://example.com/#!/x y",
    ]:
        once = canonicalize_url(url)
        assert canonicalize_url(once) == once


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("/2024/05/story", "https://news.example.com/feed.xml", "https://news.example.com/2024/05/story"),
        (
            "story?utm_medium=rss",
            "https://news.example.com/section/",
            "https://news.example.com/section/story",
        ),
        ("../up", "https://news.example.com/a/b/c", "https://news.example.com/a/up"),
        ("//other.example.org/x", "https://news.example.com/", "https://other.example.org/x"),
        ("https://abs.example/x", "https://news.example.com/", "https://abs.example/x"),
    ],
)
def test_canonicalize_against_base(url, base, expected):
    assert canonicalize_url(url, base) == expected


@pytest.mark.parametrize(
    "url",
    [
        "",
        "   ",
        "mailto:someone@example.com",
        "javascript:alert(1)",
        "ftp://example.com/file",
        "http://",
        "https://example.com:99999/",
        "https://exa mple.com/",
    ],
)
def test_canonicalize_rejects(url):
    with pytest.raises(ValueError):
        canonicalize_url(url)


def test_tracking_table_is_lowercase_and_unique():
    assert all(p == p.lower() for p in TRACKING_PARAMS)
    assert len(set(TRACKING_PARAMS)) == len(TRACKING_PARAMS)


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://WWW.Example.com:8443/a", "www.example.com"),
        ("https://bücher.example/", "xn--bcher-kva.example"),
        ("http://[::1]/", "::1"),
        ("not a url", ""),
        ("", ""),
        ("https://example.com:bad/", "example.com"),
    ],
)
def test_url_host(url, host):
    assert url_host(url) == host


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://www.bbc.co.uk/news/1", "bbc.co.uk"),
        ("https://feeds.bbci.co.uk/news/rss.xml", "bbci.co.uk"),
        ("https://alice.github.io/post", "alice.github.io"),  # a private suffix: each user a site
        ("https://news.example.com:8443/a", "example.com"),  # a domain speaks for all its ports
        ("https://例子.中国/", "xn--fsqu00a.xn--fiqs8s"),
        ("http://127.0.0.1:8001/feed", "127.0.0.1:8001"),  # no domain: the host and its port
        ("https://127.0.0.1/feed", "127.0.0.1"),
        ("http://[::1]:8080/", "[::1]:8080"),
        ("http://intranet/news", "intranet"),
        ("mailto:a@example.com", ""),
    ],
)
def test_url_site(url, site):
    assert url_site(url) == site


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://edition.example.com/x", "https://mobile.example.com/y", True),
        ("https://amp.theguardian.com/x", "https://www.theguardian.com/x", True),
        ("https://alice.github.io/x", "https://bob.github.io/x", False),
        ("https://co.uk/x", "https://bbc.co.uk/x", False),  # a public suffix speaks for nobody under it
        ("http://127.0.0.1:8001/a", "http://127.0.0.1:8002/a", False),
        ("http://127.0.0.1:8001/a", "http://127.0.0.1:8001/b", True),
        ("", "", False),
    ],
)
def test_same_site(a, b, same):
    assert same_site(a, b) is same
