"""Sanitize stage: stored article HTML is reduced to an allow-list and made safe.

Runs last in the pipeline, on the way in; presentation rewrites (image proxy, lazy loading)
happen on the way out, in templates.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urljoin, urlsplit

import nh3
from lxml import etree
from lxml.html import HTMLParser, fragment_fromstring

log = logging.getLogger(__name__)

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "figure", "figcaption",
        "img", "a", "em", "strong", "b", "i", "code", "pre",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# dropped together with everything inside them, not just unwrapped
DROP_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "noscript", "template", "object", "embed", "svg", "math", "select",
     "textarea", "button", "form", "head", "title"}
)  # fmt: skip
_URL_ATTRIBUTES = {("a", "href"), ("img", "src")}
_DIMENSION = re.compile(r"^\d{1,5}%?$")


def sanitize_html(html: str, base_url: str | None = None) -> str:
    """Reduce HTML to the allow-list, absolutise links against base_url, drop anything executable."""
    if not html or not html.strip():
        return ""

    def attribute_filter(tag: str, attr: str, value: str) -> str | None:
        if (tag, attr) in _URL_ATTRIBUTES:
            return _absolute(value, base_url)
        if attr in ("width", "height") and not _DIMENSION.match(value.strip()):
            return None
        return value

    try:
        cleaned = nh3.clean(
            html,
            tags=set(ALLOWED_TAGS),
            clean_content_tags=set(DROP_WITH_CONTENT),
            attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
            attribute_filter=attribute_filter,
            url_schemes=set(URL_SCHEMES),
            link_rel="noopener nofollow",
            strip_comments=True,
        )
    except (ValueError, TypeError) as err:
        log.warning("sanitize: could not clean html: %s", err)
        return ""
    return cleaned.strip()


def _absolute(value: str, base_url: str | None) -> str | None:
    value = value.strip()
    if not value:
        return None
    if base_url:
        try:
            value = urljoin(base_url, value)
        except ValueError:
            return None
    scheme = urlsplit(value).scheme.lower()
    # javascript:, data: and friends are also refused by nh3; checking here keeps the filter honest
    if scheme and scheme not in URL_SCHEMES:
        return None
    return value


# --- plain text ----------------------------------------------------------------------------

BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "main", "header", "footer", "aside", "nav",
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "li", "dt", "dd",
        "blockquote", "pre", "figure", "figcaption", "table", "thead", "tbody", "tfoot", "tr", "caption",
        "hr", "address", "details", "summary", "body", "html",
    }
)  # fmt: skip
_SKIP_TEXT = frozenset({"script", "style", "template", "noscript", "head", "title"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))  # soft hyphen, zero-width


def parse_fragment(html: str) -> etree._Element | None:
    """Parse an HTML fragment into a <div> container, or None if it is not HTML at all."""
    if not html or not html.strip():
        return None
    try:
        return fragment_fromstring(html, create_parent="div", parser=HTMLParser(remove_comments=True))
    except (etree.ParserError, ValueError) as err:
        log.info("sanitize: unparsable fragment: %s", err)
        return None


def html_to_text(html: str, *, captions: bool = True) -> str:
    """Plain text of an HTML fragment: blocks separated by a blank line, list items by a newline."""
    root = parse_fragment(html)
    return element_to_text(root, captions=captions) if root is not None else ""


def element_to_text(root: etree._Element, *, captions: bool = True) -> str:
    """Plain text of a parsed element, with the same layout as html_to_text.

    captions=False leaves figure captions out: they describe a picture, and read as a stray
    first sentence when the running text is summarised or quoted.
    """
    skip = _SKIP_TEXT if captions else _SKIP_TEXT | {"figcaption"}
    blocks: list[tuple[str, str]] = []  # (tag of the block, text)
    current: list[str] = []
    current_tag = ["p"]

    def flush() -> None:
        text = "".join(current).translate(_INVISIBLE)
        current.clear()
        if current_tag[0] == "pre":
            text = text.strip("\n")
        else:
            text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))
            text = re.sub(r"\n{2,}", "\n", text).strip()
        if text:
            blocks.append((current_tag[0], text))

    def walk(elem: etree._Element, in_pre: bool) -> None:
        tag = elem.tag if isinstance(elem.tag, str) else ""
        if tag in skip or not tag:
            if elem.tail:
                current.append(elem.tail if in_pre else elem.tail.replace("\n", " "))
            return
        is_block = tag in BLOCK_TAGS
        if is_block:
            flush()
            current_tag[0] = tag
        if tag == "br":
            current.append("\n")
        elif tag in ("td", "th") and current and not current[-1].endswith(" "):
            current.append(" ")
        if elem.text:
            current.append(elem.text if in_pre or tag == "pre" else elem.text.replace("\n", " "))
        for child in elem:
            walk(child, in_pre or tag == "pre")
        if is_block:
            flush()
            current_tag[0] = "p"
        if elem.tail:
            current.append(elem.tail if in_pre else elem.tail.replace("\n", " "))

    try:
        walk(root, False)
    except RecursionError:
        log.info("sanitize: markup nested too deeply, using flat text")
        return _SPACES.sub(" ", " ".join(root.itertext())).strip()
    flush()
    out: list[str] = []
    for i, (tag, text) in enumerate(blocks):
        if tag == "li":
            text = f"- {text}"
        if i:
            out.append("\n" if tag == "li" and blocks[i - 1][0] == "li" else "\n\n")
        out.append(text)
    return "".join(out)
