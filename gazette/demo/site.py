"""The offline demo web: eight fictional outlets, their feeds and article pages, rendered from the corpus."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from gazette.demo import pages

CORPUS_DIR = Path(__file__).parent / "corpus"

# Feed links carry campaign parameters like real outlets do, so URL canonicalisation has work to do.
TRACKING_QUERY = "utm_source=rss&utm_medium=feed&utm_campaign={slug}"

FEED_TYPES = {
    "rss2": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
    "rdf": "application/rdf+xml",
    "sitemap": "application/xml",
}


class DemoSite:
    """Renders every page of the demo web for one base URL, with timestamps shifted relative to `now`."""

    def __init__(self, base_url: str, now: datetime | None = None, corpus_dir: Path = CORPUS_DIR):
        self.base_url = base_url.rstrip("/")
        if now is None:
            now = datetime.now(UTC).replace(second=0, microsecond=0)
        elif now.tzinfo is None:
            now = now.replace(tzinfo=UTC)
        self.now = now
        self._outlets = {o["slug"]: o for o in json.loads((corpus_dir / "outlets.json").read_text("utf-8"))}
        self._articles: dict[str, dict] = {}
        for events_file in sorted(corpus_dir.glob("events_*.json")):
            for event in json.loads(events_file.read_text("utf-8")):
                for raw in event["articles"]:
                    self._articles[raw["id"]] = self._article(raw, event)
        self._by_outlet: dict[str, list[dict]] = {slug: [] for slug in self._outlets}
        for article in sorted(self._articles.values(), key=lambda a: a["published"], reverse=True):
            self._by_outlet[article["outlet"]].append(article)

    def _article(self, raw: dict, event: dict) -> dict:
        published = self.now - timedelta(minutes=raw["age_minutes"])
        outlet_url = f"{self.base_url}/{raw['outlet']}"
        article = dict(raw, event=event["event"], topic=event["topic"], published=published)
        # No date in the path: publication times follow `now`, and a URL that changed with them would
        # make a restarted demo store every sitemap article again under a new address.
        article["url"] = f"{outlet_url}/{event['topic'].lower()}/{raw['id']}.html"
        article["feed_link"] = f"{article['url']}?{TRACKING_QUERY.format(slug=raw['outlet'])}"
        article["image_url"] = f"{outlet_url}/img/{raw['id']}.svg" if raw.get("image_alt") else None
        # Edits land a little after publication; wire copies are usually re-touched by the desk.
        article["modified"] = min(published + timedelta(minutes=7 + len(raw["headline"]) % 40), self.now)
        return article

    def outlets(self) -> list[dict]:
        """Outlet records from outlets.json, with their homepage and feed URLs added."""
        return [
            dict(o, homepage=f"{self.base_url}/{slug}/", feed_url=self.feed_url(slug))
            for slug, o in self._outlets.items()
        ]

    def articles(self) -> list[dict]:
        """Every article, newest first, with event, topic, published datetime and URLs resolved."""
        return sorted(self._articles.values(), key=lambda a: a["published"], reverse=True)

    def feed_url(self, slug: str) -> str:
        """Where an outlet publishes its feed (a news sitemap for sitemap outlets)."""
        if self._outlets[slug]["feed_format"] == "sitemap":
            return f"{self.base_url}/{slug}/sitemap-news.xml"
        return f"{self.base_url}/{slug}/feed"

    def feed_type(self, slug: str) -> str:
        """The MIME type an outlet's feed is served with."""
        return FEED_TYPES[self._outlets[slug]["feed_format"]]

    def outlet_articles(self, slug: str) -> list[dict]:
        """One outlet's articles, newest first."""
        return self._by_outlet[slug]

    def feed_urls(self) -> list[str]:
        """One feed URL per outlet."""
        return [self.feed_url(slug) for slug in self._outlets]

    def opml(self) -> str:
        """An OPML 2.0 subscription list of every outlet's feed."""
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<opml version="2.0">',
            "  <head>",
            "    <title>Gazette demo outlets</title>",
            f"    <dateCreated>{format_datetime(self.now, usegmt=True)}</dateCreated>",
            "  </head>",
            "  <body>",
            '    <outline text="News" title="News">',
        ]
        for slug, outlet in self._outlets.items():
            kind = "sitemap" if outlet["feed_format"] == "sitemap" else "rss"
            lines.append(
                f"      <outline type={quoteattr(kind)} text={quoteattr(outlet['name'])}"
                f" title={quoteattr(outlet['name'])} xmlUrl={quoteattr(self.feed_url(slug))}"
                f" htmlUrl={quoteattr(f'{self.base_url}/{slug}/')} language={quoteattr(outlet['language'])}/>"
            )
        lines += ["    </outline>", "  </body>", "</opml>", ""]
        return "\n".join(lines)

    def last_modified(self, path: str) -> datetime | None:
        """When the resource at `path` last changed, for conditional requests; None if unknown."""
        parts = urlsplit(path).path.strip("/").split("/")
        if len(parts) == 5 and parts[4].endswith(".html"):
            article = self._articles.get(parts[4].removesuffix(".html"))
            return article["modified"] if article else None
        if parts[0] in self._outlets and self._by_outlet[parts[0]]:
            return max(a["modified"] for a in self._by_outlet[parts[0]])
        return None

    def render(self, path: str) -> tuple[int, str, bytes] | None:
        """(status, content type, body) for a request path, or None when nothing lives there."""
        parts = [p for p in urlsplit(path).path.split("/") if p]
        if not parts:
            return _ok("text/html; charset=utf-8", pages.index_page(self))
        if parts == ["opml.xml"]:
            return _ok("text/x-opml; charset=utf-8", self.opml())
        if parts == ["robots.txt"]:
            return _ok("text/plain; charset=utf-8", self._robots())
        outlet = self._outlets.get(parts[0])
        if outlet is None:
            return None
        slug, rest = parts[0], parts[1:]
        if not rest:
            return _ok("text/html; charset=utf-8", pages.home_page(self, outlet, self._by_outlet[slug]))
        if rest == ["favicon.svg"]:
            return _ok("image/svg+xml", pages.favicon_svg(outlet))
        is_sitemap = outlet["feed_format"] == "sitemap"
        if (rest == ["feed"] and not is_sitemap) or (rest == ["sitemap-news.xml"] and is_sitemap):
            return self._feed(outlet)
        if len(rest) == 2 and rest[0] == "img" and rest[1].endswith(".svg"):
            article = self._articles.get(rest[1].removesuffix(".svg"))
            if article and article["outlet"] == slug and article["image_url"]:
                return _ok("image/svg+xml", pages.lead_image_svg(outlet, article))
            return None
        if len(rest) in (2, 4) and rest[-1].endswith(".html"):
            # SECTION/ID.html; the section is not checked, and links stored by an earlier version, whose
            # paths held the publication date (YYYY/MM/DD/ID.html), still resolve. The page's
            # canonical link points at the current URL.
            article = self._articles.get(rest[-1].removesuffix(".html"))
            if article and article["outlet"] == slug:
                related = [a for a in self._by_outlet[slug] if a["id"] != article["id"]]
                html = pages.article_page(self, outlet, article, related)
                return _ok("text/html; charset=utf-8", html)
        return None

    def _robots(self) -> str:
        lines = ["User-agent: *", "Disallow: /search", ""]
        lines += [
            f"Sitemap: {self.feed_url(s)}" for s, o in self._outlets.items() if o["feed_format"] == "sitemap"
        ]
        return "\n".join(lines) + "\n"

    def _feed(self, outlet: dict) -> tuple[int, str, bytes]:
        items = self._by_outlet[outlet["slug"]]
        fmt = outlet["feed_format"]
        render = {"rss2": _rss2, "atom": _atom, "json": _json_feed, "rdf": _rdf, "sitemap": _sitemap}[fmt]
        body = render(self, outlet, items)
        content_type = FEED_TYPES[fmt] + ("" if fmt == "json" else "; charset=utf-8")
        return _ok(content_type, body)


def _ok(content_type: str, body: str) -> tuple[int, str, bytes]:
    return 200, content_type, body.encode("utf-8")


def _x(text: str) -> str:
    return xml_escape(text)


def _rfc822(when: datetime) -> str:
    return format_datetime(when, usegmt=True)


def _iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", "Z")


def _content(outlet: dict, article: dict) -> str:
    """The article body as feed HTML: the full text for full-content feeds, otherwise the teaser."""
    if outlet["feed_content"] != "full":
        return f"<p>{pages.esc(article['summary'])}</p>"
    return pages.body_html(article)


def _rss2(site: DemoSite, outlet: dict, items: list[dict]) -> str:
    slug, full = outlet["slug"], outlet["feed_content"] == "full"
    home = f"{site.base_url}/{slug}/"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"'
        ' xmlns:media="http://search.yahoo.com/mrss/">',
        "<channel>",
        f"<title>{_x(outlet['name'])}</title>",
        f"<link>{_x(home)}</link>",
        f"<description>{_x(outlet['tagline'])}</description>",
        f"<language>{outlet['language']}</language>",
        f"<lastBuildDate>{_rfc822(site.now)}</lastBuildDate>",
        f'<atom:link href="{_x(site.feed_url(slug))}" rel="self" type="application/rss+xml"/>',
        f"<image><url>{_x(home)}favicon.svg</url><title>{_x(outlet['name'])}</title><link>{_x(home)}</link></image>",
        "<ttl>15</ttl>",
    ]
    for a in items:
        # One outlet uses opaque GUIDs, the other permalinks: both occur in the wild.
        guid = (
            f'<guid isPermaLink="true">{_x(a["url"])}</guid>'
            if full
            else f'<guid isPermaLink="false">{slug}-{a["id"]}</guid>'
        )
        out += [
            "<item>",
            f"<title>{_x(a['headline'])}</title>",
            f"<link>{_x(a['feed_link'])}</link>",
            guid,
            f"<pubDate>{_rfc822(a['published'])}</pubDate>",
            f"<category>{_x(a['topic'])}</category>",
            f"<description>{_x(a['summary'])}</description>",
        ]
        if a["author"]:
            out.append(f"<dc:creator>{_x(a['author'])}</dc:creator>")
        if full:
            out.append(f"<content:encoded><![CDATA[{_content(outlet, a)}]]></content:encoded>")
        if a["image_url"]:
            out.append(f'<media:content url="{_x(a["image_url"])}" medium="image" type="image/svg+xml"/>')
        out.append("</item>")
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def _atom(site: DemoSite, outlet: dict, items: list[dict]) -> str:
    slug = outlet["slug"]
    updated = max((a["modified"] for a in items), default=site.now)
    out = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{outlet["language"]}">',
        f"<id>tag:{slug}.example,2020:feed</id>",
        f"<title>{_x(outlet['name'])}</title>",
        f"<subtitle>{_x(outlet['tagline'])}</subtitle>",
        f"<updated>{_iso(updated)}</updated>",
        f'<link rel="self" type="application/atom+xml" href="{_x(site.feed_url(slug))}"/>',
        f'<link rel="alternate" type="text/html" href="{_x(site.base_url)}/{slug}/"/>',
        f"<icon>{_x(site.base_url)}/{slug}/favicon.svg</icon>",
        f"<rights>Copyright {site.now.year} {_x(outlet['name'])}</rights>",
    ]
    for a in items:
        out += [
            "<entry>",
            f"<id>tag:{slug}.example,2020:{a['id']}</id>",
            f'<title type="text">{_x(a["headline"])}</title>',
            f'<link rel="alternate" type="text/html" href="{_x(a["feed_link"])}"/>',
            f"<published>{_iso(a['published'])}</published>",
            f"<updated>{_iso(a['modified'])}</updated>",
            f'<category term="{_x(a["topic"])}"/>',
        ]
        if a["author"]:
            out.append(f"<author><name>{_x(a['author'])}</name></author>")
        out.append(f'<summary type="text">{_x(a["summary"])}</summary>')
        if outlet["feed_content"] == "full":
            out.append(f'<content type="html">{_x(_content(outlet, a))}</content>')
        if a["image_url"]:
            out.append(f'<link rel="enclosure" type="image/svg+xml" href="{_x(a["image_url"])}"/>')
        out.append("</entry>")
    out += ["</feed>", ""]
    return "\n".join(out)


def _json_feed(site: DemoSite, outlet: dict, items: list[dict]) -> str:
    slug = outlet["slug"]
    feed: dict = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": outlet["name"],
        "home_page_url": f"{site.base_url}/{slug}/",
        "feed_url": site.feed_url(slug),
        "description": outlet["tagline"],
        "icon": f"{site.base_url}/{slug}/favicon.svg",
        "language": outlet["language"],
        "items": [],
    }
    for a in items:
        item = {
            "id": a["id"],
            "url": a["feed_link"],
            "title": a["headline"],
            "summary": a["summary"],
            "date_published": _iso(a["published"]),
            "date_modified": _iso(a["modified"]),
            "tags": [a["topic"]],
        }
        if outlet["feed_content"] == "full":
            item["content_html"] = _content(outlet, a)
        else:
            item["content_text"] = a["summary"]
        if a["author"]:
            item["authors"] = [{"name": a["author"]}]
        if a["image_url"]:
            item["image"] = a["image_url"]
        feed["items"].append(item)
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


def _rdf(site: DemoSite, outlet: dict, items: list[dict]) -> str:
    slug = outlet["slug"]
    home = f"{site.base_url}/{slug}/"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/">',
        f'<channel rdf:about="{_x(site.feed_url(slug))}">',
        f"<title>{_x(outlet['name'])}</title>",
        f"<link>{_x(home)}</link>",
        f"<description>{_x(outlet['tagline'])}</description>",
        f"<dc:language>{outlet['language']}</dc:language>",
        f"<dc:date>{_iso(site.now)}</dc:date>",
        "<items><rdf:Seq>",
        *(f'<rdf:li rdf:resource="{_x(a["feed_link"])}"/>' for a in items),
        "</rdf:Seq></items>",
        "</channel>",
    ]
    for a in items:
        out += [
            f'<item rdf:about="{_x(a["feed_link"])}">',
            f"<title>{_x(a['headline'])}</title>",
            f"<link>{_x(a['feed_link'])}</link>",
            f"<description>{_x(a['summary'])}</description>",
            f"<dc:date>{_iso(a['published'])}</dc:date>",
            f"<dc:subject>{_x(a['topic'])}</dc:subject>",
        ]
        if a["author"]:
            out.append(f"<dc:creator>{_x(a['author'])}</dc:creator>")
        out.append("</item>")
    out += ["</rdf:RDF>", ""]
    return "\n".join(out)


def _sitemap(site: DemoSite, outlet: dict, items: list[dict]) -> str:
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
        ' xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">',
    ]
    for a in items:
        out += [
            "<url>",
            f"<loc>{_x(a['url'])}</loc>",
            f"<lastmod>{_iso(a['modified'])}</lastmod>",
            "<news:news>",
            "<news:publication>",
            f"<news:name>{_x(outlet['name'])}</news:name>",
            f"<news:language>{outlet['language']}</news:language>",
            "</news:publication>",
            f"<news:publication_date>{_iso(a['published'])}</news:publication_date>",
            f"<news:title>{_x(a['headline'])}</news:title>",
            f"<news:keywords>{_x(a['topic'])}, {_x(a['event'].replace('-', ' '))}</news:keywords>",
            "</news:news>",
        ]
        if a["image_url"]:
            out.append(f"<image:image><image:loc>{_x(a['image_url'])}</image:loc></image:image>")
        out.append("</url>")
    out += ["</urlset>", ""]
    return "\n".join(out)
