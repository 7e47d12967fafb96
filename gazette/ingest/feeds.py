"""Feed parsing: bytes of an RSS, Atom, RDF, CDF, JSON Feed or sitemap document in, a ParsedFeed out.

Pure: no network, no database. Every failure is a FeedError with one readable line; HTML in feed
fields is passed on as given (the sanitize stage cleans it when it is stored).
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.sax import SAXParseException

import charset_normalizer
import feedparser
from feedparser.datetimes import _parse_date as feedparser_parse_date
from feedparser.urls import resolve_relative_uris
from lxml import etree

from gazette.ingest.bylines import byline_clean

# Limits on entity declarations in a document's DTD. Feeds hardly ever declare entities; these bounds
# let the rare legitimate one through while refusing billion-laughs and quadratic-blowup documents,
# which feedparser's lenient fallback parser would otherwise expand into gigabytes.
MAX_ENTITY_DECLARATIONS = 32
MAX_ENTITY_EXPANSION = 100_000  # characters added by expanding all entity references
# Prefer windows-1252 for undeclared 8-bit documents unless another guess is clearly less garbled:
# short Latin-1 texts are otherwise often guessed as Baltic or Central European code pages.
CP1252_CHAOS_MARGIN = 0.05


class FeedError(Exception):
    """One-line, human-readable reason why a document could not be read as a feed."""

    def __init__(self, message: str, *, alternates: list[str] | None = None) -> None:
        super().__init__(message)
        # Feeds an HTML page links to, so the caller can offer or follow them.
        self.alternates = alternates or []


@dataclass
class FeedEntry:
    id: str
    url: str | None = None
    title: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    author: str | None = None
    summary: str | None = None
    content: str | None = None
    image: str | None = None
    categories: list[str] = field(default_factory=list)


@dataclass
class ParsedFeed:
    kind: str
    title: str | None = None
    link: str | None = None
    language: str | None = None
    icon: str | None = None
    websub_hub: str | None = None
    self_url: str | None = None
    entries: list[FeedEntry] = field(default_factory=list)
    bozo: str | None = None


# ---------------------------------------------------------------------------------------------------
# Sniffing

_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)
_PROLOG_ITEM = re.compile(r"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE\s[^\[>]*(?:\[.*?\]\s*)?>)", re.S | re.I)
_ROOT = re.compile(r"\s*<([A-Za-z_][\w.:-]*)")
_HTML_DOCTYPE = re.compile(r"<!DOCTYPE\s+html", re.I)
SNIFF_BYTES = 65_536
INTERNAL_ERROR = "internal parser error"  # prefix of a FeedError that hides a parser bug


def _as_text(data: bytes) -> str:
    """Decode enough to read markup: BOM or UTF-16 zero bytes, else Latin-1 (ASCII-compatible)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace")
    if data[:1] == b"\x00" and data[1:2] != b"\x00":
        return data.decode("utf-16-be", "replace")
    if data[1:2] == b"\x00" and data[:1] != b"\x00":
        return data.decode("utf-16-le", "replace")
    return data.decode("latin-1")


def _prolog_end(text: str) -> int:
    pos = 0
    while match := _PROLOG_ITEM.match(text, pos):
        if match.end() == pos:
            break
        pos = match.end()
    return pos


def sniff_root(data: bytes) -> str | None:
    """Local name of the document's root element, lowercased; "{" for JSON; None if not found."""
    text = _as_text(data[:SNIFF_BYTES]).lstrip("\ufeff \t\r\n")
    if text.startswith(("{", "[")):
        return "{"
    match = _ROOT.match(text, _prolog_end(text))
    if match:
        return match.group(1).rpartition(":")[2].lower()
    if _HTML_DOCTYPE.search(text[:2048]) or re.search(r"<html[\s>]", text[:4096], re.I):
        return "html"
    return None


# ---------------------------------------------------------------------------------------------------
# Safety and encoding guards, run before any XML parser sees the body

_ENTITY_DECL = re.compile(
    r"<!ENTITY\s+(%\s+)?([\w.:-]+)\s+(?:\"([^\"]*)\"|'([^']*)'|(?:SYSTEM|PUBLIC)\b[^>]*)\s*>", re.S
)
_ENTITY_REF = re.compile(r"&([A-Za-z_][\w.:-]*);|%[A-Za-z_][\w.:-]*;")


def _check_entities(body: bytes) -> None:
    # The whole document is searched, not just its DTD: a DTD padded past any sniffing window must
    # not slip through, and "<!ENTITY" outside a DTD is rare enough to be counted conservatively.
    if b"<!ENTITY" not in body and b"\x00" not in body[:4]:
        return
    text = _as_text(body)
    declared = text.count("<!ENTITY")
    if not declared:
        return
    if declared > MAX_ENTITY_DECLARATIONS:
        raise FeedError(f"unsafe XML: declares {declared} entities (limit {MAX_ENTITY_DECLARATIONS})")
    expansion = 0
    for match in _ENTITY_DECL.finditer(text):
        parameter, name = match.group(1), match.group(2)
        value = match.group(3) if match.group(3) is not None else match.group(4)
        if value is None or parameter:
            continue  # external or parameter entity: never fetched, never expanded (see tests)
        if _ENTITY_REF.search(value):
            raise FeedError("unsafe XML: entity definitions refer to other entities (expansion attack)")
        expansion += len(value) * text.count(f"&{name};")
    if expansion > MAX_ENTITY_EXPANSION:
        raise FeedError(f"unsafe XML: entity references would expand to {expansion:,} characters")


_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?\?>")
# What feedparser reads the declared encoding with; it decodes the name as UTF-8 without a guard.
_FEEDPARSER_ENCODING_DECL = re.compile(rb"^<\?.*encoding=['\"](.*?)['\"].*\?>")
_XML_DECL_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=", re.I)


def _check_declaration(body: bytes) -> None:
    match = _FEEDPARSER_ENCODING_DECL.match(body)
    if match:
        try:
            match.group(1).decode("utf-8")
        except UnicodeDecodeError:
            raise FeedError("ill-formed XML declaration: encoding name is not ASCII") from None


def _transcode_undeclared(body: bytes, content_type: str | None) -> tuple[bytes, str | None]:
    """Re-encode an 8-bit document that declares no encoding anywhere as UTF-8, with a note why."""
    if body.startswith(tuple(bom for bom, _ in _BOMS)) or b"\x00" in body[:4]:
        return body, None
    if content_type and "charset=" in content_type.lower():
        return body, None
    if _XML_DECL_ENCODING.match(body[:1024]):
        return body, None
    try:
        body.decode("utf-8")
        return body, None
    except UnicodeDecodeError:
        pass
    matches = list(charset_normalizer.from_bytes(body))
    if not matches:
        return body, None
    best = matches[0]
    for match in matches:
        if match.encoding == "cp1252" and match.chaos <= best.chaos + CP1252_CHAOS_MARGIN:
            best = match
            break
    text = str(best).lstrip("\ufeff")
    utf8 = _XML_DECL.sub(b"", text.encode("utf-8"), count=1).lstrip()
    note = f"encoding not declared; detected as {best.encoding}"
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + utf8, note


# ---------------------------------------------------------------------------------------------------
# Small value helpers

_TAG = re.compile(r"<[^>]*>")
_ENTITY_LIKE = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+\d*);")
_IMAGE_EXT = re.compile(r"\.(jpe?g|png|gif|webp|avif|svg)(\?|$)", re.I)
_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")


def _plain_text(value: Any, content_type: str | None = None) -> str | None:
    """Markup-free text, entities decoded, whitespace collapsed; None when empty."""
    if not isinstance(value, str):
        return None
    if content_type in _HTML_TYPES:
        value = html.unescape(_TAG.sub(" ", value))
    elif _ENTITY_LIKE.search(value):
        value = html.unescape(value)  # double-escaped titles ("&amp;amp;") are common in the wild
    return " ".join(value.split()) or None


def _as_html(value: Any, content_type: str | None) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    if content_type in _HTML_TYPES or content_type is None:
        return value
    return html.escape(value)


def _http_url(value: Any, base: str) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        absolute = urljoin(base, value.strip())
        parts = urlsplit(absolute)
    except ValueError:
        return None
    return absolute if parts.scheme in ("http", "https") and parts.netloc else None


def _from_struct(value: Any) -> datetime | None:
    try:
        year, month, day, hour, minute, second = value[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _parse_datetime(value: Any) -> datetime | None:
    """RFC 3339 / W3C datetime first, then every format feedparser knows; always UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return _from_struct(feedparser_parse_date(value))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _fallback_id(title: str | None, summary: str | None, content: str | None) -> str:
    digest = hashlib.sha1(f"{title or ''}\n{summary or content or ''}".encode(), usedforsecurity=False)
    return "sha1:" + digest.hexdigest()


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------------------
# XML feeds through feedparser

_KINDS = {"rss090": "rdf", "rss10": "rdf", "cdf": "cdf"}
# Root elements that make a document a feed even when feedparser names no version (an empty CDF channel)
_ROOT_KINDS = {"rss": "rss", "feed": "atom", "rdf": "rdf", "channel": "cdf"}
# bozo exceptions that say something about HTTP headers, not about the document
_HARMLESS_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SAXParseException):
        return f"ill-formed XML at line {exc.getLineNumber()}: {exc.getMessage()}"
    if isinstance(exc, etree.XMLSyntaxError):
        return f"ill-formed XML at line {exc.lineno}: {_one_line(exc.msg or str(exc))}"
    return _one_line(f"{type(exc).__name__}: {exc}" if not str(exc) else str(exc))


def feedparser_result(body: bytes, content_type: str | None = None) -> Any:
    """Run feedparser exactly as parse_feed does (bytes only, never a path or URL; HTML unsanitised)."""
    # Without a Content-Type feedparser flags every document as bozo; application/xml without a
    # charset makes it read the encoding from the document itself, as it does for a local file.
    # No Content-Location: feedparser would resolve Atom <id>s against it, so an entry's identity
    # would change with the feed's URL. Links and HTML are resolved against the URL afterwards.
    headers = {"content-type": content_type or "application/xml"}
    # A stream, not bytes: feedparser.parse() treats a bytes or str argument as a file path or URL first.
    return feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=False)


def _entry_image(entry: Any, base: str) -> str | None:
    for media in entry.get("media_content") or []:
        media_type = media.get("type") or ""
        medium = media.get("medium") or ""
        url = media.get("url")
        untyped_image = not medium and not media_type and isinstance(url, str) and _IMAGE_EXT.search(url)
        is_image = medium == "image" or media_type.startswith("image/") or untyped_image
        if is_image and (found := _http_url(url, base)):
            return found
    for thumbnail in entry.get("media_thumbnail") or []:
        if found := _http_url(thumbnail.get("url"), base):
            return found
    for link in entry.get("links") or []:
        is_image = link.get("rel") == "enclosure" and (link.get("type") or "").startswith("image/")
        if is_image and (found := _http_url(link.get("href"), base)):
            return found
    image = entry.get("image")
    return _http_url(image.get("href"), base) if isinstance(image, dict) else None


def _kind(version: str) -> str:
    if version in _KINDS:
        return _KINDS[version]
    return next((k for k in ("rss", "atom") if version.startswith(k)), "unknown")


def _html_detail(detail: Any, url: str) -> str | None:
    """An HTML value with relative URLs resolved: feedparser did xml:base, this does the feed URL."""
    value = _as_html(detail.get("value"), detail.get("type"))
    document_base = detail.get("base") or ""
    if not value or not url or detail.get("type") not in _HTML_TYPES or "=" not in value:
        return value
    effective = urljoin(url, document_base)
    if effective == document_base:
        return value
    return resolve_relative_uris(value, effective, "utf-8", detail.get("type"))


def _author(item: Any) -> str | None:
    """The author's name of a feed or entry; feedparser's own split of "address (Name)" is unreliable."""
    raw = _plain_text(item.get("author")) or _plain_text((item.get("author_detail") or {}).get("name"))
    return byline_clean(raw) or None


def _entry_from_feedparser(entry: Any, base: str, feed_author: str | None) -> FeedEntry | None:
    title_detail = entry.get("title_detail") or {}
    title = _plain_text(entry.get("title"), title_detail.get("type"))
    url = _http_url(entry.get("link"), base)
    content = None
    contents = entry.get("content") or []
    for item in sorted(contents, key=lambda c: c.get("type") not in _HTML_TYPES):
        if content := _html_detail(item, base):
            break
    summary = None
    if "summary_detail" in entry:  # otherwise feedparser copied the content into "summary"
        summary = _html_detail(entry["summary_detail"], base)
    if not (title or url or summary or content):
        return None
    author = _author(entry) or feed_author
    tags = [_plain_text(t.get("term")) or _plain_text(t.get("label")) or "" for t in entry.get("tags") or []]
    entry_id = entry.get("id")
    entry_id = entry_id.strip() if isinstance(entry_id, str) else ""
    return FeedEntry(
        id=entry_id or url or _fallback_id(title, summary, content),
        url=url,
        title=title,
        published=_from_struct(entry.get("published_parsed")),
        # dict.get: FeedParserDict would answer "updated" with the published date when there is none
        updated=_from_struct(dict.get(entry, "updated_parsed")),
        author=author,
        summary=summary,
        content=content,
        image=_entry_image(entry, base),
        categories=_unique(tags),
    )


def _repair_xml(body: bytes) -> bytes | None:
    """Well-formed UTF-8 XML rebuilt by libxml2's recovery mode from broken markup, if it finds a root."""
    try:
        root = etree.fromstring(body, _safe_xml_parser(recover=True))
    except (etree.XMLSyntaxError, ValueError):
        return None
    if root is None:
        return None
    return etree.tostring(root.getroottree(), encoding="utf-8", xml_declaration=True)


def _parse_with_feedparser(body: bytes, url: str, content_type: str | None, root: str | None) -> ParsedFeed:
    _check_declaration(body)
    body, encoding_note = _transcode_undeclared(body, content_type)
    try:
        result = feedparser_result(body, content_type)
    except Exception as exc:  # noqa: BLE001 - feedparser's lenient mode has bugs on some broken markup
        repaired = _repair_xml(body)
        if repaired is None:
            raise FeedError(f"{INTERNAL_ERROR}: {_one_line(f'{type(exc).__name__}: {exc}')}") from exc
        result = feedparser_result(repaired)
        result["bozo"], result["bozo_exception"] = 1, ValueError("ill-formed XML, repaired before parsing")
    feed = result.get("feed") or {}
    version = result.get("version") or ""
    raw_entries = result.get("entries") or []
    bozo_exc = result.get("bozo_exception")
    problem = bozo_exc is not None and not isinstance(bozo_exc, _HARMLESS_BOZO)
    if problem and not (raw_entries or feed.get("title")):
        raise FeedError(_describe(bozo_exc))
    if not version and not raw_entries and root not in _ROOT_KINDS:
        shown = f"<{root}>" if root else "no recognisable root element"
        raise FeedError(f"not a feed: {shown} is not RSS, Atom, RDF or CDF")

    base = url
    if feed.get("link"):
        base = urljoin(url, feed["link"]) if url else feed["link"]
    links = feed.get("links") or []
    hub = next((link.get("href") for link in links if link.get("rel") == "hub"), None)
    self_url = next((link.get("href") for link in links if link.get("rel") == "self"), None)
    image = feed.get("image")
    icon = feed.get("icon") or (image.get("href") if isinstance(image, dict) else None) or feed.get("logo")
    feed_author = _author(feed)
    parsed = (_entry_from_feedparser(raw, url or base, feed_author) for raw in raw_entries)
    entries = [e for e in parsed if e]
    bozo = _describe(bozo_exc) if problem else encoding_note
    return ParsedFeed(
        kind=_kind(version) if version else _ROOT_KINDS.get(root or "", "unknown"),
        title=_plain_text(feed.get("title"), (feed.get("title_detail") or {}).get("type")),
        link=_http_url(feed.get("link"), url),
        language=_plain_text(feed.get("language")),
        icon=_http_url(icon, url),
        websub_hub=_http_url(hub, url),
        self_url=_http_url(self_url, url),
        entries=entries,
        bozo=bozo,
    )


# ---------------------------------------------------------------------------------------------------
# JSON Feed (https://jsonfeed.org/version/1.1) — feedparser 6 does not read it

_JSON_FEED_VERSION = "https://jsonfeed.org/version/"


def _str(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    return value.strip() or None if isinstance(value, str) else None


def _json_author(obj: dict[str, Any]) -> str | None:
    authors = obj.get("authors")
    candidates = authors if isinstance(authors, list) else [obj.get("author")]
    for author in candidates:
        if isinstance(author, dict) and (name := byline_clean(_plain_text(author.get("name")))):
            return name
    return None


def _json_item(item: Any, base: str) -> FeedEntry | None:
    if not isinstance(item, dict):
        return None
    url = _http_url(item.get("url"), base) or _http_url(item.get("external_url"), base)
    title = _plain_text(item.get("title"))
    content = _as_html(item.get("content_html"), "text/html") or _as_html(item.get("content_text"), "text")
    summary = _as_html(item.get("summary"), "text")
    image = _http_url(item.get("image"), base) or _http_url(item.get("banner_image"), base)
    for attachment in item.get("attachments") or []:
        if image:
            break
        if isinstance(attachment, dict) and str(attachment.get("mime_type", "")).startswith("image/"):
            image = _http_url(attachment.get("url"), base)
    if not (title or url or summary or content):
        return None
    tags = item.get("tags")
    return FeedEntry(
        id=_str(item.get("id")) or url or _fallback_id(title, summary, content),
        url=url,
        title=title,
        published=_parse_datetime(item.get("date_published")),
        updated=_parse_datetime(item.get("date_modified")),
        author=_json_author(item),
        summary=summary,
        content=content,
        image=image,
        categories=_unique([_plain_text(t) or "" for t in tags]) if isinstance(tags, list) else [],
    )


def _parse_json_feed(body: bytes, url: str) -> ParsedFeed:
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise FeedError(f"ill-formed JSON at line {exc.lineno}: {exc.msg}") from None
    except UnicodeDecodeError:
        raise FeedError("ill-formed JSON: not valid UTF-8, UTF-16 or UTF-32") from None
    except RecursionError:
        raise FeedError("ill-formed JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise FeedError("not a feed: JSON document is not a JSON Feed object")
    version = data.get("version")
    items = data.get("items")
    bozo = None
    if not (isinstance(version, str) and version.startswith(_JSON_FEED_VERSION)):
        if not isinstance(items, list):
            raise FeedError("not a feed: JSON document is not a JSON Feed (no version, no items)")
        bozo = "JSON Feed without a jsonfeed.org version"
    base = _http_url(data.get("feed_url"), url) or url
    hubs = data["hubs"] if isinstance(data.get("hubs"), list) else []
    hub_urls = [h.get("url") for h in hubs if isinstance(h, dict)]
    websub = [
        h.get("url") for h in hubs if isinstance(h, dict) and str(h.get("type", "")).lower() == "websub"
    ]
    entries = [e for e in (_json_item(i, base) for i in (items if isinstance(items, list) else [])) if e]
    return ParsedFeed(
        kind="json",
        title=_plain_text(data.get("title")),
        link=_http_url(data.get("home_page_url"), base),
        language=_plain_text(data.get("language")),
        icon=_http_url(data.get("icon"), base) or _http_url(data.get("favicon"), base),
        websub_hub=next((u for u in (_http_url(h, base) for h in websub + hub_urls) if u), None),
        self_url=_http_url(data.get("feed_url"), url),
        entries=entries,
        bozo=bozo,
    )


# ---------------------------------------------------------------------------------------------------
# Sitemaps (https://www.sitemaps.org, Google News sitemap extension) — read with lxml


def _safe_xml_parser(*, recover: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, recover=recover
    )


def _local(element: Any) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _child_text(element: Any, *path: str) -> str | None:
    for name in path:
        element = next((c for c in element if _local(c) == name), None)
        if element is None:
            return None
    return " ".join((element.text or "").split()) or None


def _parse_sitemap(body: bytes, url: str) -> ParsedFeed:
    bozo = None
    try:
        root = etree.fromstring(body, _safe_xml_parser(recover=False))
    except etree.XMLSyntaxError as exc:
        bozo = _describe(exc)
        try:
            root = etree.fromstring(body, _safe_xml_parser(recover=True))
        except etree.XMLSyntaxError:
            root = None
        if root is None:
            raise FeedError(bozo) from None
    kind = "sitemapindex" if _local(root) == "sitemapindex" else "sitemap"
    entries: list[FeedEntry] = []
    title = language = None
    for node in root:
        loc = _http_url(_child_text(node, "loc"), url)
        if _local(node) not in ("url", "sitemap") or not loc:
            continue
        news = next((c for c in node if _local(c) == "news"), None)
        entry = FeedEntry(id=loc, url=loc, updated=_parse_datetime(_child_text(node, "lastmod")))
        if news is not None:
            entry.title = _plain_text(_child_text(news, "title"))
            entry.published = _parse_datetime(_child_text(news, "publication_date"))
            keywords = _child_text(news, "keywords") or ""
            entry.categories = _unique([k.strip() for k in keywords.split(",")])
            title = title or _plain_text(_child_text(news, "publication", "name"))
            language = language or _plain_text(_child_text(news, "publication", "language"))
        entry.image = _http_url(_child_text(node, "image", "loc"), url)
        entries.append(entry)
    return ParsedFeed(kind=kind, title=title, language=language, entries=entries, bozo=bozo)


# ---------------------------------------------------------------------------------------------------


def _html_page_error(body: bytes, url: str) -> FeedError:
    # Imported here because discovery imports sniff_root from this module.
    from gazette.ingest.discovery import discover_feeds

    alternates = discover_feeds(body, url) if url else []
    if not alternates:
        return FeedError("not a feed: looks like an HTML page")
    listed = ", ".join(alternates[:3]) + (" …" if len(alternates) > 3 else "")
    message = f"not a feed: looks like an HTML page, which links to feeds: {listed}"
    return FeedError(message, alternates=alternates)


def parse_feed(body: bytes, url: str = "", content_type: str | None = None) -> ParsedFeed:
    """Parse a feed or sitemap document; raise FeedError (one line) when it cannot be read as one."""
    if not body or not body.strip(b" \t\r\n\x00\xef\xbb\xbf\xfe\xff"):
        raise FeedError("empty body")
    root = sniff_root(body)
    try:
        if root == "{":
            return _parse_json_feed(body, url)
        if root == "html":
            raise _html_page_error(body, url)
        if root is None and b"<" not in body[:SNIFF_BYTES].replace(b"\x00", b""):
            raise FeedError("not a feed: no XML or JSON markup")
        _check_entities(body)
        if root in ("urlset", "sitemapindex"):
            return _parse_sitemap(body, url)
        return _parse_with_feedparser(body, url, content_type, root)
    except FeedError:
        raise
    except RecursionError:
        raise FeedError("document nested too deeply to parse") from None
    except Exception as exc:  # noqa: BLE001 - the contract is "FeedError only"; the cause stays chained
        raise FeedError(f"{INTERNAL_ERROR}: {_one_line(f'{type(exc).__name__}: {exc}')}") from exc
