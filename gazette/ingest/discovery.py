"""Feed discovery from a web page: advertised feeds, feed-looking links, the site icon. Pure (no network)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from gazette.ingest.feeds import sniff_root

# Paths the fetcher tries, in this order, when a page advertises no feed.
COMMON_FEED_PATHS: tuple[str, ...] = (
    "/feed",
    "/rss",
    "/rss.xml",
    "/atom.xml",
    "/feed.xml",
    "/index.xml",
    "/feed/",
    "/rss/",
    "/feeds/posts/default",
    "/feed.json",
    "/index.rss",
    "/atom",
    "/feeds/all.atom.xml",
    "/?feed=rss2",
    "/blog/feed",
    "/blog/rss.xml",
    "/news/rss.xml",
    "/rss/index.xml",
    "/sitemap_news.xml",
    "/news-sitemap.xml",
)

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",
        "application/x.atom+xml",
        "application/x-atom+xml",
        "application/x-rss+xml",
        "text/rss+xml",
        "text/atom+xml",
    }
)
# Generic XML types count only on an explicit rel="alternate" link.
_XML_TYPES = frozenset({"application/xml", "text/xml"})
_FEED_ROOTS = frozenset({"rss", "feed", "rdf", "channel", "urlset", "sitemapindex"})
_FEED_HREF = re.compile(
    r"""(
        (^|/)(feed|rss|atom)(/|\.xml|\.json|\.rss)?$   # /feed, /rss/, /atom.xml
      | \.(rss|atom|rdf)$                              # /news.rss
      | (^|/)(rss|feed|atom|index)\.(xml|json)$
      | (^|/)feeds/.                                   # /feeds/posts/default, /feeds/all.atom.xml
      | (^|/)feed/(rss2?|atom|rdf|json)/?$
      | [?&](feed=(rss2?|atom)|format=(rss|atom|feed)|type=rss)
    )""",
    re.I | re.X,
)
_COMMENTS = re.compile(r"comment", re.I)
_SIZE = re.compile(r"(\d+)\s*x\s*(\d+)", re.I)


def _document(html: str | bytes) -> Any:
    if not html or not (html.strip() if isinstance(html, str) else html.strip()):
        return None
    try:
        return lxml.html.document_fromstring(html)
    except ValueError:
        # lxml refuses str input that carries an XML encoding declaration; bytes are fine
        if isinstance(html, str):
            return _document(html.encode("utf-8"))
        return None
    except etree.ParserError:
        return None


def _base(doc: Any, base_url: str) -> str:
    href = next(iter(doc.xpath("//base/@href")), None)
    return urljoin(base_url, href.strip()) if isinstance(href, str) and href.strip() else base_url


def _absolute(href: str | None, base: str) -> str | None:
    if not href or not href.strip():
        return None
    href = href.strip()
    # feed:https://… and feed://… are how some pages hand a feed to a desktop reader
    if href.lower().startswith("feed:"):
        rest = href[5:]
        href = rest if rest.lower().startswith(("http:", "https:")) else "http:" + rest
    try:
        absolute = urljoin(base, href)
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return parts._replace(fragment="").geturl()


def _rels(element: Any) -> set[str]:
    return set((element.get("rel") or "").lower().split())


def discover_feeds(html: str | bytes, base_url: str) -> list[str]:
    """Feed URLs a page advertises or links to, best first, absolute, without duplicates."""
    doc = _document(html)
    if doc is None:
        return []
    base = _base(doc, base_url)
    # (comments feed?, found by guessing from <a>?, document order) — site feeds before comment feeds
    found: dict[str, tuple[bool, bool, int]] = {}

    def add(url: str | None, key: tuple[bool, bool, int]) -> None:
        if url and (url not in found or key < found[url]):
            found[url] = key

    for order, link in enumerate(doc.iter("link")):
        link_type = (link.get("type") or "").split(";")[0].strip().lower()
        rels = _rels(link)
        if "alternate" not in rels and "feed" not in rels:
            continue
        if link_type in FEED_TYPES or (link_type in _XML_TYPES and "alternate" in rels):
            href = link.get("href")
            is_comments = bool(_COMMENTS.search(link.get("title") or "") or _COMMENTS.search(href or ""))
            add(_absolute(href, base), (is_comments, False, order))

    for order, anchor in enumerate(doc.iter("a")):
        href = (anchor.get("href") or "").strip()
        anchor_type = (anchor.get("type") or "").split(";")[0].strip().lower()
        path = href.split("#")[0]
        if anchor_type in FEED_TYPES or href.lower().startswith("feed:") or _FEED_HREF.search(path):
            add(_absolute(href, base), (bool(_COMMENTS.search(href)), True, order))

    return sorted(found, key=found.__getitem__)


def looks_like_feed(body: bytes, content_type: str | None) -> bool:
    """Whether a response is a feed (by its content, else its Content-Type) rather than a web page."""
    root = sniff_root(body)
    if root in _FEED_ROOTS:
        return True
    if root == "{":
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            return False
        version = data.get("version") if isinstance(data, dict) else None
        return isinstance(version, str) and version.startswith("https://jsonfeed.org/version/")
    if root is not None:
        return False
    media_type = (content_type or "").split(";")[0].strip().lower()
    return media_type in FEED_TYPES and media_type != "application/json"


def _icon_size(element: Any) -> int:
    sizes = element.get("sizes") or ""
    if "any" in sizes.lower() or (element.get("href") or "").lower().endswith(".svg"):
        return 512
    return max((int(w) for w, _ in _SIZE.findall(sizes)), default=0)


def find_icon(html: str | bytes, base_url: str) -> str | None:
    """The site's best icon named in the page (icon, apple-touch-icon, og:logo); None if it names none."""
    doc = _document(html)
    if doc is None:
        return None
    base = _base(doc, base_url)
    candidates: list[tuple[int, int, int, str]] = []
    for order, link in enumerate(doc.iter("link")):
        rels = _rels(link)
        url = _absolute(link.get("href"), base)
        if not url or "mask-icon" in rels:  # mask-icon is a one-colour silhouette
            continue
        if rels & {"apple-touch-icon", "apple-touch-icon-precomposed"}:
            candidates.append((2, _icon_size(link) or 180, -order, url))
        elif "icon" in rels:
            candidates.append((2, _icon_size(link) or 16, -order, url))
    for meta in doc.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:logo":
            url = _absolute(meta.get("content"), base)
            if url:
                candidates.append((1, 0, 0, url))
    return max(candidates)[3] if candidates else None
