"""The article pipeline's pure part, in one place so its order is fixed and visible.

Order and invariants:
1. parse entries (feeds.parse_feed) — done by the caller, which owns the network.
2. filter entries by the operator's keep/drop rules — before any page is fetched, so dropped
   entries cost nothing.
3. canonicalise the entry URL (tracking parameters stripped) — before the "already stored?" check,
   so a link seen with and without utm_* parameters is one article.
4. fetch the article page when the feed carries only a teaser — done by the fetch stage
   (articles/pages.py, network), after the entry is stored with the feed's text (9).
5. extract → clean → sanitise. Sanitising runs LAST on HTML: nothing after it may add markup,
   so what is stored is always safe to render (dropping the body's copy of the lead image after it
   only removes elements).
6. rel=canonical from the page replaces the feed URL only when it stays on the same site (same
   registrable domain, urls.same_site), so a hostile page cannot claim another publisher's article.
7. the content hash is taken from the cleaned text, so copies that differ only in page junk match.
8. an item claims its URL (is the one article stored under it) only when the URL is on the site of
   the feed the operator added, by the same rule as 6. An item linking off-site is `off_site`: it is
   stored for its own source alone, so a feed cannot keep another outlet's article out by linking to
   it first, and that outlet's own feed still stores it, whenever it is polled.
9. a teaser's draft is stored from the feed at once (`page_pending`) and its page read later by the
   fetch stage, which runs steps 4–7 over it with `page_apply` (the same steps, so a page read late
   gives the article article_build would have made from it).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from gazette.ingest.clean import clean, lead_image_drop
from gazette.ingest.extract import Extracted, ExtractOptions, extract
from gazette.ingest.feeds import FeedEntry
from gazette.ingest.sanitize import html_to_text, sanitize_html
from gazette.ingest.urls import canonicalize_url, same_site


@dataclass(frozen=True)
class PipelineOptions:
    extract: ExtractOptions = field(default_factory=ExtractOptions)
    # A feed entry whose content has fewer characters of text than this is a teaser: fetch the page.
    teaser_max_chars: int = 1200
    # Length of the plain-text summary made when the feed gives none.
    summary_chars: int = 320
    # Stored sizes a page and the API can carry, whatever a feed or page sends (a 10 MB title):
    # longer titles and summaries are shortened at a word, longer bodies cut (before sanitising, so
    # the stored HTML is still well formed).
    title_max_chars: int = 300
    summary_max_chars: int = 1500
    content_max_chars: int = 300_000


@dataclass
class ArticleDraft:
    """Everything the store needs to save one article; the raw page travels along for re-extraction."""

    guid: str
    url: str
    canonical_url: str
    title: str
    author: str
    summary: str
    content_html: str
    content_text: str
    image_url: str
    language: str
    published_at: datetime
    updated_at: datetime | None
    word_count: int
    content_hash: str
    extractor: str
    off_site: bool = False
    page_pending: bool = False  # stored with the feed's text; the fetch stage reads the page
    raw_html: bytes | None = None
    raw_url: str = ""
    raw_status: int | None = None


def page_process(html: str | bytes, url: str | None, options: PipelineOptions | None = None) -> Extracted:
    """Extract, clean and sanitise one HTML page: the `gazette extract` command and the live pipeline."""
    options = options or PipelineOptions()
    doc = clean(extract(html, url, options.extract))
    return _capped(
        replace(doc, html=sanitize_html(doc.html[: options.content_max_chars], base_url=url)), options
    )


def _capped(doc: Extracted, options: PipelineOptions) -> Extracted:
    if len(doc.text) <= options.content_max_chars:
        return doc
    return replace(doc, text=doc.text[: options.content_max_chars].rsplit(" ", 1)[0] + " …")


def entry_is_teaser(entry: FeedEntry, options: PipelineOptions) -> bool:
    """True when the feed's own content is too short to be the article."""
    body = entry.content or ""
    return len(html_to_text(body)) < options.teaser_max_chars if body else True


def content_hash(text: str) -> str:
    """Hash of the text with case, punctuation and spacing folded, for exact-duplicate checks."""
    folded = " ".join(re.findall(r"\w+", text.lower()))
    return hashlib.sha256(folded.encode()).hexdigest() if folded else ""


def _feed_content(entry: FeedEntry, url: str, options: PipelineOptions) -> Extracted:
    html = (entry.content or "")[: options.content_max_chars]
    return Extracted(
        title=None, author=None, published=None, updated=None, text=html_to_text(html), html=html,
        image=None, language=None, site_name=None, canonical_url=None, description=None, extractor="feed",
    )  # fmt: skip


def article_build(
    entry: FeedEntry,
    *,
    feed_url: str,
    source_url: str | None = None,
    page_html: bytes | None = None,
    page_url: str | None = None,
    page_status: int | None = None,
    options: PipelineOptions | None = None,
    now: datetime | None = None,
) -> ArticleDraft:
    """Turn one feed entry (and its fetched page, if any) into a draft ready to store.

    `feed_url` is where the feed was read (after redirects), the base of its relative links;
    `source_url` the feed's address as the operator added it (default `feed_url`), whose site the
    item's link must be on to claim its URL (invariant 8)."""
    options = options or PipelineOptions()
    now = now or datetime.now(UTC)
    if entry.url:
        url = canonicalize_url(entry.url, base=feed_url)
    else:
        # No http link (text-only items, bad links): the entry's GUID makes it an article of its
        # own under the feed's address; without it, every such entry would be one article.
        digest = hashlib.sha256(entry.id.encode()).hexdigest()[:16]
        url = f"{canonicalize_url(feed_url, base=feed_url).split('#')[0]}#entry-{digest}"

    if page_html is not None:
        doc = page_process(page_html, page_url or url, options)
        if len(doc.text) < len(html_to_text(entry.content or "")):
            # The page gave less than the feed did (paywall, consent wall): trust the feed.
            doc = _feed_from(entry, url, doc, options)
    else:
        doc = clean(_feed_content(entry, url, options))
        doc = _capped(replace(doc, html=sanitize_html(doc.html, base_url=url)), options)

    image = entry.image or doc.image or ""
    if image:
        doc = replace(doc, html=lead_image_drop(doc.html, image, base_url=url))

    canonical = url
    if doc.canonical_url and same_site(doc.canonical_url, url):
        canonical = canonicalize_url(doc.canonical_url, base=url)
    # Judged on the operator's address, not the one redirected to: a feed's host may redirect anywhere.
    # Aggregators (news search feeds, link sites, agencies' partner feeds) link off-site by nature, so
    # such items are kept rather than refused; they just do not speak for the URL.
    off_site = not same_site(canonical, source_url or feed_url)

    text = doc.text.strip()
    summary_html = sanitize_html(entry.summary or "", base_url=url) if entry.summary else ""
    summary_text = html_to_text(summary_html).strip()
    if not summary_text:
        summary_html = ""
    elif len(summary_html) > options.summary_max_chars:
        summary_html = f"<p>{_escape(_shorten(summary_text, options.summary_max_chars))}</p>"
    if not summary_html and text:
        summary_html = f"<p>{_escape(_shorten(text, options.summary_chars))}</p>"
    title = (
        _shorten(entry.title or doc.title or "", options.title_max_chars) or _shorten(text, 90) or url[:300]
    )

    return ArticleDraft(
        guid=(entry.id or url)[:1000],
        url=(entry.url or url)[:2000],
        canonical_url=canonical[:2000],
        title=title,
        author=(entry.author or doc.author or "")[:300],
        summary=summary_html,
        content_html=doc.html,
        content_text=text,
        image_url=image[:2000],
        language=(doc.language or "")[:16],
        published_at=entry.published or doc.published or entry.updated or now,
        updated_at=entry.updated or doc.updated,
        word_count=len(text.split()),
        content_hash=content_hash(text),
        extractor=doc.extractor,
        off_site=off_site,
        raw_html=page_html,
        raw_url=page_url or "",
        raw_status=page_status,
    )


@dataclass(frozen=True)
class PageUpdate:
    """What an article's page adds to the article stored from its feed entry."""

    canonical_url: str
    content_html: str
    content_text: str
    image_url: str
    author: str
    language: str
    updated_at: datetime | None
    summary: str  # made from the page's text, for an article whose feed gave no summary
    word_count: int
    content_hash: str
    extractor: str


def page_apply(
    *,
    url: str,
    content_html: str,
    content_text: str,
    image_url: str,
    page_html: bytes,
    page_url: str | None,
    options: PipelineOptions | None = None,
) -> PageUpdate:
    """Steps 5–7 over the page of an article stored with its feed's text (`url` its canonical URL,
    the other fields as stored): the same rules as article_build, so the feed's text is kept when the
    page gives less."""
    options = options or PipelineOptions()
    doc = page_process(page_html, page_url or url, options)
    image = image_url or doc.image or ""
    if len(doc.text) < len(content_text):  # paywall, consent wall: trust the feed
        html, text, extractor = content_html, content_text, "feed"
    else:
        html = lead_image_drop(doc.html, image, base_url=url) if image else doc.html
        text, extractor = doc.text.strip(), doc.extractor
    canonical = url
    if doc.canonical_url and same_site(doc.canonical_url, url):
        canonical = canonicalize_url(doc.canonical_url, base=url)
    return PageUpdate(
        canonical_url=canonical[:2000],
        content_html=html,
        content_text=text,
        image_url=image[:2000],
        author=(doc.author or "")[:300],
        language=(doc.language or "")[:16],
        updated_at=doc.updated,
        summary=f"<p>{_escape(_shorten(text, options.summary_chars))}</p>" if text else "",
        word_count=len(text.split()),
        content_hash=content_hash(text),
        extractor=extractor,
    )


def _feed_from(entry: FeedEntry, url: str, page: Extracted, options: PipelineOptions) -> Extracted:
    feed = clean(_feed_content(entry, url, options))
    doc = replace(page, text=feed.text, html=sanitize_html(feed.html, base_url=url), extractor="feed")
    return _capped(doc, options)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _shorten(text: str, limit: int) -> str:
    text = _one_line(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
