"""OPML subscription lists: read the ones other readers export, write one they can import."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

from lxml import etree


@dataclass
class OpmlOutline:
    url: str
    title: str | None = None
    site_url: str | None = None
    categories: list[str] = field(default_factory=list)
    # "sitemap" for a news sitemap, else "" (a feed: the reader finds out which format when it polls).
    kind: str = ""


# OPML has one word for every feed, type="rss", whatever its format; a news sitemap is no feed, and a
# reader that takes it for one fails on it, so it gets a type of its own that Gazette reads back.
SITEMAP_TYPE = "sitemap"


def _safe_parser(*, recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, recover=recover
    )


def _attr(element: Any, *names: str) -> str | None:
    """First non-empty attribute among names, compared case-insensitively (exporters disagree on xmlUrl)."""
    lowered = {key.lower(): value for key, value in element.attrib.items() if isinstance(key, str)}
    for name in names:
        value = " ".join((lowered.get(name.lower()) or "").split())
        if value:
            return value
    return None


def _feed_url(value: str | None) -> str | None:
    if not value:
        return None
    if value.lower().startswith("feed:"):
        rest = value[5:]
        value = rest if rest.lower().startswith(("http:", "https:")) else "http:" + rest
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return value if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _category_attr(value: str | None) -> list[str]:
    # OPML 2.0: comma-separated, each a slash-delimited path ("/Tech/Linux")
    return [c.strip().strip("/").strip() for c in (value or "").split(",") if c.strip().strip("/").strip()]


def _walk(element: Any, folders: list[str], found: dict[str, OpmlOutline]) -> None:
    for child in element:
        if not isinstance(child.tag, str) or child.tag.lower() != "outline":
            continue
        label = _attr(child, "title", "text")
        url = _feed_url(_attr(child, "xmlUrl"))
        kind = (_attr(child, "type") or "").lower()
        if url is None and kind in ("rss", "atom", SITEMAP_TYPE):
            url = _feed_url(_attr(child, "url"))  # a few exporters write url= instead of xmlUrl=
        if url is None:
            _walk(child, [*folders, label] if label else folders, found)
            continue
        categories = list(dict.fromkeys([*folders, *_category_attr(_attr(child, "category"))]))
        if url in found:
            merged = found[url].categories + [c for c in categories if c not in found[url].categories]
            found[url].categories = merged
            continue
        found[url] = OpmlOutline(
            url=url,
            title=label,
            site_url=_attr(child, "htmlUrl"),
            categories=categories,
            kind=SITEMAP_TYPE if kind == SITEMAP_TYPE else "",
        )


def parse_opml(data: bytes) -> list[OpmlOutline]:
    """Feeds listed in an OPML document, folders as categories; ValueError (one line) if it is not OPML."""
    if not data or not data.strip():
        raise ValueError("empty OPML file")
    # libxml2 expands entities inside attributes even with resolve_entities=False, and OPML keeps
    # everything in attributes; no exporter declares entities, so refuse any declaration outright.
    if b"<!ENTITY" in data or b"<\x00!\x00E\x00N\x00T\x00I\x00T\x00Y" in data:
        raise ValueError("unsafe XML: OPML file declares entities")
    try:
        root = etree.fromstring(data, _safe_parser(recover=False))
    except etree.XMLSyntaxError as exc:
        # Exporters often leave "&" unescaped in titles; libxml2's recovery mode reads those fine.
        try:
            root = etree.fromstring(data, _safe_parser(recover=True))
        except etree.XMLSyntaxError:
            root = None
        if root is None:
            raise ValueError(f"ill-formed XML at line {exc.lineno}: {exc.msg}") from None
    if not isinstance(root.tag, str) or root.tag.lower() != "opml":
        name = etree.QName(root).localname if isinstance(root.tag, str) else "?"
        raise ValueError(f"not OPML: the root element is <{name}>")
    body = next((c for c in root if isinstance(c.tag, str) and c.tag.lower() == "body"), None)
    if body is None:
        raise ValueError("not OPML: no <body> element")
    found: dict[str, OpmlOutline] = {}
    _walk(body, [], found)
    return list(found.values())


def _outline(parent: Any, item: OpmlOutline, extra_categories: list[str]) -> None:
    element = etree.SubElement(parent, "outline", type=SITEMAP_TYPE if item.kind == SITEMAP_TYPE else "rss")
    element.set("text", item.title or item.url)
    if item.title:
        element.set("title", item.title)
    element.set("xmlUrl", item.url)
    if item.site_url:
        element.set("htmlUrl", item.site_url)
    if extra_categories:
        element.set("category", ",".join(extra_categories))


def render_opml(outlines: list[OpmlOutline], title: str = "Gazette sources") -> str:
    """OPML 2.0 document listing outlines, one folder per first category; others kept in `category`."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = etree.SubElement(root, "body")
    folders: dict[str, Any] = {}
    for item in outlines:
        if not item.categories:
            _outline(body, item, [])
            continue
        first = item.categories[0]
        if first not in folders:
            folders[first] = etree.SubElement(body, "outline", text=first, title=first)
        _outline(folders[first], item, item.categories[1:])
    declaration = '<?xml version="1.0" encoding="UTF-8"?>\n'
    return declaration + etree.tostring(root, encoding="unicode", pretty_print=True)
