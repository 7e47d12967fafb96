"""Comment formatting: a small Markdown subset (emphasis, links, bare addresses as links, quotes, code),
rendered then sanitised.

markdown-it-py's "zero" preset with only those rules switched on: raw HTML in a comment is escaped (never
passed through), images are not a rule (``![a](b)`` stays a plain link), and markdown-it already refuses
``javascript:``, ``vbscript:``, ``file:`` and ``data:`` links. nh3 then runs last anyway, with its own
short list of tags and URL schemes, so a parser bug cannot put markup or script on the page.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

COMMENT_TAGS = {"p", "br", "em", "strong", "a", "blockquote", "code"}
COMMENT_ATTRIBUTES = {"a": {"href"}}
COMMENT_URL_SCHEMES = {"http", "https", "mailto"}
# Readers' links are theirs, not the site's: search engines are told so, and the target gets no opener.
COMMENT_LINK_REL = "nofollow ugc noopener"

# Bare addresses ("see https://…", "www.…") become links too, found by linkify-it-py (markdown-it's
# own linkify rule, with the same scheme checks and the same sanitiser after it).
_markdown = MarkdownIt("zero", {"breaks": True, "html": False, "linkify": True}).enable(
    ["emphasis", "link", "autolink", "linkify", "blockquote", "newline", "escape", "backticks"]
)
_LINK = re.compile(r"<a\s", re.I)


def comment_html(body: str) -> str:
    """The comment's text as safe HTML: the Markdown subset rendered, then sanitised."""
    return nh3.clean(
        _markdown.render(body),
        tags=COMMENT_TAGS,
        attributes=COMMENT_ATTRIBUTES,
        url_schemes=COMMENT_URL_SCHEMES,
        link_rel=COMMENT_LINK_REL,
        strip_comments=True,
    ).strip()


def comment_link_count(html: str) -> int:
    """How many links the rendered comment holds."""
    return len(_LINK.findall(html))
