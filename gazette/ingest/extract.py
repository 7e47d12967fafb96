"""Extract stage: main text, content HTML and metadata of an article page.

The page is parsed once with lxml; the tree feeds both the metadata readers and an explicit
fallback chain of extractors. Each step only runs when the previous one delivered less than
``ExtractOptions.min_text_chars``, and the step that produced the text is recorded in
``Extracted.extractor`` so a bad extraction can be traced and re-run.

Chain: trafilatura (balanced; it compares itself with readability/jusText internally)
→ trafilatura-recall → readability / justext (the longer one) → baseline → none.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
from htmldate import find_date
from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement
from trafilatura.baseline import baseline
from trafilatura.external import try_justext, try_readability
from trafilatura.htmlprocessing import convert_to_html
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title
from trafilatura.utils import load_html

from gazette.ingest.bylines import byline_clean
from gazette.ingest.sanitize import html_to_text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractOptions:
    """Per-source rules and tunable thresholds of the extraction chain."""

    keep_selectors: tuple[str, ...] = ()  # if given, only these parts of the page are kept
    drop_selectors: tuple[str, ...] = ()  # removed before extraction
    min_text_chars: int = 250  # below this, the chain falls back to the next step
    min_gain_ratio: float = 1.2  # a later step must beat the best text so far by this factor
    author_from_body: bool = True  # look for a byline in the page when the meta tags name no author
    include_tables: bool = True
    include_images: bool = False  # images inside the body drag captions and credits into the text


@dataclass
class Extracted:
    """What the extract stage knows about one page."""

    title: str | None
    author: str | None
    published: datetime | None  # tz-aware UTC
    updated: datetime | None  # tz-aware UTC
    text: str  # main text, paragraphs separated by a blank line
    html: str  # main content HTML, not yet sanitised
    image: str | None
    language: str | None
    site_name: str | None
    canonical_url: str | None
    description: str | None
    extractor: str  # the chain step that produced the text


def extract(
    html: str | bytes, url: str | None = None, options: ExtractOptions = ExtractOptions()
) -> Extracted:
    """Extract main content and metadata from an HTML page; never raises on bad input."""
    tree = _parse(html)
    if tree is None:
        return _empty()
    meta = _metadata(tree, url, options)
    if options.keep_selectors or options.drop_selectors:
        tree = _apply_selectors(tree, options)
    body_html, text, step = _run_chain(tree, url, options)
    return Extracted(text=text, html=body_html, extractor=step, **meta)


def _empty() -> Extracted:
    return Extracted(
        title=None,
        author=None,
        published=None,
        updated=None,
        text="",
        html="",
        image=None,
        language=None,
        site_name=None,
        canonical_url=None,
        description=None,
        extractor="none",
    )


def _parse(html: str | bytes) -> HtmlElement | None:
    if not html:
        return None
    try:
        # trafilatura's loader guesses the encoding and repairs what libxml2 chokes on
        tree = load_html(html)
    except (TypeError, ValueError) as err:
        log.info("extract: unparsable page: %s", err)
        return None
    if tree is None or not isinstance(tree, HtmlElement):
        return None
    return tree


# --- fallback chain -------------------------------------------------------------------------


def _run_chain(tree: HtmlElement, url: str | None, options: ExtractOptions) -> tuple[str, str, str]:
    """Return (content HTML, text, step name); each step runs only while the best text is too short."""
    best_html, best_text, best_step = "", "", "none"
    for step, attempt in _steps(tree, url, options):
        try:
            body_html = attempt()
        except Exception as err:  # a third-party extractor failing must not lose the page
            log.warning("extract: %s failed on %s: %s", step, url, err)
            continue
        text = html_to_text(body_html) if body_html else ""
        if len(text) > len(best_text) * (options.min_gain_ratio if best_text else 1):
            best_html, best_text, best_step = body_html, text, step
        if len(best_text) >= options.min_text_chars:
            break
        log.debug("extract: %s gave %d chars on %s, trying the next step", step, len(text), url)
    return best_html, best_text, best_step


def _steps(tree: HtmlElement, url: str | None, options: ExtractOptions) -> Iterator[tuple[str, Any]]:
    yield "trafilatura", lambda: _trafilatura(tree, url, options, recall=False)
    yield "trafilatura-recall", lambda: _trafilatura(tree, url, options, recall=True)
    yield "readability", lambda: _readability(tree)
    yield "justext", lambda: _justext(tree, url)
    yield "baseline", lambda: _baseline(tree)


def _trafilatura(tree: HtmlElement, url: str | None, options: ExtractOptions, *, recall: bool) -> str:
    doc = trafilatura.bare_extraction(
        tree,
        # no URL: trafilatura would absolutise every link through courlan, a third of its run time;
        # the sanitize stage does it in one pass
        url=None,
        favor_recall=recall,
        include_comments=False,  # reader comments are not the article
        include_tables=options.include_tables,
        include_images=options.include_images,
        include_links=True,
        include_formatting=False,  # its markup mode drops spaces around inline tags
    )
    body = getattr(doc, "body", None)
    if body is None:
        return ""
    return _serialize(convert_to_html(body).find("body"))


def _readability(tree: HtmlElement) -> str:
    return _serialize(try_readability(deepcopy(tree)))


def _justext(tree: HtmlElement, url: str | None) -> str:
    return _serialize(try_justext(deepcopy(tree), url, None))


def _baseline(tree: HtmlElement) -> str:
    body, _text, _length = baseline(tree)
    return _serialize(body)


def _serialize(body: etree._Element | None) -> str:
    """Serialise the children of a container element to an HTML string."""
    if body is None:
        return ""
    if body.tag not in ("body", "div", "html") or (len(body) == 0 and body.text):
        return etree.tostring(body, method="html", encoding="unicode", with_tail=False)
    parts = [etree.tostring(child, method="html", encoding="unicode") for child in body]
    return "".join(parts).strip()


# --- per-source selectors -------------------------------------------------------------------


def _apply_selectors(tree: HtmlElement, options: ExtractOptions) -> HtmlElement:
    for selector in options.drop_selectors:
        for elem in _select(tree, selector):
            _drop(elem)
    if options.keep_selectors:
        kept = [elem for selector in options.keep_selectors for elem in _select(tree, selector)]
        kept = _outermost(kept)
        if not kept:
            log.info(
                "extract: keep selectors %s matched nothing, using the whole page", options.keep_selectors
            )
            return tree
        body = tree.find("body")
        if body is None:
            body = etree.SubElement(tree, "body")
        for child in list(body):
            body.remove(child)
        body.text = None
        # each kept part becomes an <article> so extractors treat it as main content
        for elem in kept:
            wrapper = etree.SubElement(body, "article")
            copy_ = deepcopy(elem)
            copy_.tail = None
            wrapper.append(copy_)
    return tree


def _select(tree: HtmlElement, selector: str) -> list[etree._Element]:
    try:
        return CSSSelector(selector)(tree)
    except Exception as err:  # cssselect raises its own SelectorError family
        log.warning("extract: bad selector %r: %s", selector, err)
        return []


def _outermost(elems: list[etree._Element]) -> list[etree._Element]:
    """Keep document order and drop elements nested inside another kept one."""
    chosen = set(elems)
    result, seen = [], set()
    for elem in elems:
        if elem in seen or any(anc in chosen for anc in elem.iterancestors()):
            continue
        seen.add(elem)
        result.append(elem)
    order = {elem: i for i, elem in enumerate(result[0].getroottree().iter())} if result else {}
    return sorted(result, key=lambda e: order.get(e, 0))


def _drop(elem: etree._Element) -> None:
    parent = elem.getparent()
    if parent is None:
        return
    if elem.tail:
        prev = elem.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + elem.tail
        else:
            parent.text = (parent.text or "") + elem.tail
    parent.remove(elem)


# --- metadata -------------------------------------------------------------------------------

# JSON-LD types that describe the page's article rather than the site or a breadcrumb
_ARTICLE_TYPES = re.compile(r"Article|Posting|Report|BlogPosting|NewsArticle|WebPage", re.IGNORECASE)
_PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datePublished",
    "pubdate",
    "publishdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "sailthru.date",
    "parsely-pub-date",
)
_UPDATED_META = (
    "article:modified_time",
    "og:updated_time",
    "dateModified",
    "dcterms.modified",
    "last-modified",
)


def _metadata(tree: HtmlElement, url: str | None, options: ExtractOptions) -> dict[str, Any]:
    """Fill each field from the most specific source first, never overwriting a found value."""
    found: dict[str, Any] = {}
    meta_tags = _meta_tags(tree)
    ld = list(_json_ld(tree))
    try:
        doc = examine_meta(tree)
        doc = extract_meta_json(tree, doc)
    except Exception as err:  # trafilatura's JSON-LD reader trips on odd payloads
        log.info("extract: metadata reader failed: %s", err)
        doc = None

    def fill(key: str, *candidates: Any) -> None:
        for value in candidates:
            if found.get(key):
                return
            if isinstance(value, str):
                value = " ".join(value.split()) or None
            found[key] = value

    fill("title", doc and doc.title)
    if not found.get("title"):
        fill("title", extract_title(tree))
    fill("author", byline_clean(doc.author if doc else None) or None)
    if not found.get("author") and options.author_from_body:
        fill("author", _byline_author(tree))
    fill("description", doc and doc.description)
    fill("site_name", meta_tags.get("og:site_name"), doc and doc.sitename)
    fill("image", doc and doc.image, *(_ld_image(item) for item in ld))
    found["image"] = _absolute(found.get("image"), url)
    canonical = tree.xpath("//head/link[@rel='canonical']/@href")
    found["canonical_url"] = _absolute(canonical[0] if canonical else meta_tags.get("og:url"), url)
    if not found["canonical_url"] and meta_tags.get("og:url"):
        found["canonical_url"] = _absolute(meta_tags["og:url"], url)
    found["language"] = _language(tree, meta_tags)
    found["published"] = (
        _first_date(
            [item.get("datePublished") for item in ld] + [meta_tags.get(key) for key in _PUBLISHED_META]
        )
        or _time_element(tree)
        or _htmldate(tree, url)
    )
    found["updated"] = _first_date(
        [item.get("dateModified") for item in ld] + [meta_tags.get(key) for key in _UPDATED_META]
    )
    return found


# bylines marked up for machines or styled as such; trafilatura's own body search costs ~6 ms a page
_BYLINE_XPATH = etree.XPath(
    "(//body//*[@rel='author' or @itemprop='author' or @itemprop='creator']"
    " | //body//*[self::a or self::span or self::p or self::div or self::address]"
    "[contains(@class, 'author') or contains(@class, 'byline') or contains(@id, 'author')])[position() <= 8]"
)
_BYLINE_PREFIX = re.compile(
    r"^(?:by|von|por|par|de|autor(?:in)?|author|text|written by)\s*:?\s+", re.IGNORECASE
)


def _byline_author(tree: HtmlElement) -> str | None:
    for elem in _BYLINE_XPATH(tree):
        name = elem.get("content") or " ".join(" ".join(elem.itertext()).split())
        name = byline_clean(_BYLINE_PREFIX.sub("", name).strip(" ,|·-"))
        if 3 <= len(name) <= 60 and not any(ch.isdigit() for ch in name) and len(name.split()) <= 6:
            return name
    return None


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    tags: dict[str, str] = {}
    for elem in tree.iterfind(".//meta"):
        key = elem.get("property") or elem.get("name") or elem.get("itemprop") or elem.get("http-equiv")
        content = elem.get("content") or elem.get("datetime")
        if key and content and key.lower() not in tags:
            tags[key.lower()] = content.strip()
    return tags


def _json_ld(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    """Yield JSON-LD objects that describe an article, outermost first."""
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.extend(item["@graph"] if isinstance(item["@graph"], list) else [item["@graph"]])
                kind = item.get("@type")
                kinds = " ".join(kind) if isinstance(kind, list) else str(kind or "")
                if _ARTICLE_TYPES.search(kinds):
                    yield item


def _ld_image(item: dict[str, Any]) -> str | None:
    image = item.get("image") or item.get("thumbnailUrl")
    if isinstance(image, list):
        image = image[0] if image else None
    if isinstance(image, dict):
        image = image.get("url") or image.get("contentUrl")
    return image if isinstance(image, str) else None


def _absolute(link: str | None, base: str | None) -> str | None:
    if not link:
        return None
    link = link.strip()
    if base:
        try:
            link = urljoin(base, link)
        except ValueError:
            return None
    parts = urlsplit(link)
    return link if parts.scheme in ("http", "https") and parts.netloc else None


_LANG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]+)*$")


def _language(tree: HtmlElement, meta_tags: dict[str, str]) -> str | None:
    """Primary language subtag ("de" for "de-AT") from the markup's declarations."""
    for value in (
        tree.get("lang"),
        tree.get("xml:lang"),
        meta_tags.get("content-language"),
        meta_tags.get("og:locale"),
        meta_tags.get("language"),
    ):
        if value and (match := _LANG.match(value.strip().split(",")[0].strip())):
            return match.group(1).lower()
    return None


def _parse_date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    # a few publishers write "+0200" or a space before the time
    value = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", value.replace(" ", "T", 1))
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if not 1990 <= parsed.year <= datetime.now(UTC).year + 1:
        return None
    return parsed.astimezone(UTC)


def _first_date(values: list[Any]) -> datetime | None:
    for value in values:
        if parsed := _parse_date(value):
            return parsed
    return None


def _htmldate(tree: HtmlElement, url: str | None) -> datetime | None:
    """Last resort: htmldate's quick heuristics (URL, visible dates); a day without a time."""
    try:
        found = find_date(tree, url=url, extensive_search=False, original_date=True)
    except Exception as err:  # htmldate is heuristic code over arbitrary markup
        log.info("extract: htmldate failed: %s", err)
        return None
    return _parse_date(found)


def _time_element(tree: HtmlElement) -> datetime | None:
    """The first machine-readable <time> of the page body, a common place for the dateline."""
    for value in tree.xpath("(//body//time[@datetime])[position() <= 3]/@datetime"):
        if parsed := _parse_date(value):
            return parsed
    return None
