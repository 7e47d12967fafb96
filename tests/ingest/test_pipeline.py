"""The pipeline's pure part: entry + page → draft, in the fixed order."""

from __future__ import annotations

from gazette.ingest.feeds import FeedEntry
from gazette.ingest.pipeline import article_build, content_hash, page_apply

PARAS = "".join(
    f"<p>Paragraph {i} of the report says the harbour authority will open the terminal in spring, "
    f"after engineers found the piles had settled unevenly during the winter storms.</p>"
    for i in range(8)
)


def entry(**kw) -> FeedEntry:
    values = dict(
        id="g1",
        url="https://news.example.com/a?utm_source=rss",
        title="Terminal delayed",
        published=None,
        updated=None,
        author=None,
        summary="<p>teaser</p>",
        content=None,
        image=None,
        categories=[],
    )
    values.update(kw)
    return FeedEntry(**values)


def test_full_content_entry_drops_the_body_copy_of_the_lead_image():
    image = "https://cdn.example.com/lead.jpg"
    content = f'<figure><img src="{image}?w=800" alt="x"><figcaption>Pier</figcaption></figure>{PARAS}'
    draft = article_build(entry(content=content, image=image), feed_url="https://news.example.com/feed")
    assert draft.image_url == image
    assert "lead.jpg" not in draft.content_html and "Paragraph 7" in draft.content_html
    assert draft.extractor == "feed"
    assert draft.canonical_url == "https://news.example.com/a"


def test_page_canonical_is_honoured_only_on_the_same_site():
    page = (
        f'<html><head><link rel="canonical" href="{{}}"></head><body><article>{PARAS}</article></body></html>'
    )
    own = article_build(
        entry(),
        feed_url="https://news.example.com/feed",
        page_html=page.format("https://www.news.example.com/a-story").encode(),
    )
    assert own.canonical_url == "https://www.news.example.com/a-story"
    other = article_build(
        entry(),
        feed_url="https://news.example.com/feed",
        page_html=page.format("https://other.example.org/claimed").encode(),
    )
    assert other.canonical_url == "https://news.example.com/a"


def test_page_canonical_on_a_sibling_subdomain_is_the_same_site():
    page = (
        '<html><head><link rel="canonical" href="https://edition.example.com/a-story"></head><body><article>'
    )
    draft = article_build(
        entry(url="https://mobile.example.com/a"),
        feed_url="https://feeds.example.com/rss",
        page_html=f"{page}{PARAS}</article></body></html>".encode(),
    )
    assert draft.canonical_url == "https://edition.example.com/a-story" and not draft.off_site


def test_an_item_linking_off_the_feeds_site_does_not_claim_the_url():
    on_site = article_build(entry(), feed_url="https://feeds.example.com/rss")
    assert not on_site.off_site
    linked = article_build(
        entry(url="https://other.example.org/story"), feed_url="https://feeds.example.com/rss"
    )
    assert linked.off_site and linked.canonical_url == "https://other.example.org/story"
    # The feed's own address decides, not the one it redirected to.
    moved = article_build(
        entry(url="https://other.example.org/story"),
        feed_url="https://other.example.org/feed",
        source_url="https://feeds.example.com/rss",
    )
    assert moved.off_site


def test_content_hash_ignores_case_punctuation_and_spacing():
    assert content_hash("The pier, rebuilt!") == content_hash("the  pier rebuilt")
    assert content_hash("") == ""


def test_entries_without_a_link_are_articles_of_their_own():
    feed = "https://news.example.com/feed"
    first = article_build(entry(id="note-1", url=None, content=PARAS), feed_url=feed)
    second = article_build(entry(id="note-2", url=None, content=PARAS), feed_url=feed)
    again = article_build(entry(id="note-1", url=None, content=PARAS), feed_url=feed)
    assert first.canonical_url != second.canonical_url
    assert first.canonical_url == again.canonical_url  # the same GUID is the same article next poll
    assert first.canonical_url.startswith(feed + "#entry-")


def test_oversized_fields_are_cut_to_what_pages_can_carry():
    huge_title = "Terminal " * 1_000_000  # 9 MB
    huge_summary = "<p>" + "teaser words " * 500_000 + "</p>"
    huge_body = PARAS * 2_000  # about 3.5 MB of text
    draft = article_build(
        entry(title=huge_title, summary=huge_summary, content=huge_body),
        feed_url="https://news.example.com/f",
    )
    assert len(draft.title) <= 301 and draft.title.startswith("Terminal Terminal")
    assert len(draft.summary) <= 1600 and draft.summary.endswith("…</p>")
    assert len(draft.content_text) <= 300_002 and "Paragraph 0" in draft.content_text
    assert len(draft.content_html) <= 320_000 and draft.content_html.endswith("</p>")


def test_a_page_read_later_gives_the_article_a_page_read_in_the_poll_gives():
    page = (
        '<html><head><link rel="canonical" href="https://www.news.example.com/a-story">'
        f'<meta name="author" content="Ann Lee"></head><body><article>{PARAS}</article></body></html>'
    ).encode()
    at_once = article_build(entry(), feed_url="https://news.example.com/feed", page_html=page)
    stored = article_build(entry(), feed_url="https://news.example.com/feed")  # the teaser, first
    later = page_apply(
        url=stored.canonical_url,
        content_html=stored.content_html,
        content_text=stored.content_text,
        image_url=stored.image_url,
        page_html=page,
        page_url=None,
    )
    assert later.canonical_url == at_once.canonical_url == "https://www.news.example.com/a-story"
    assert later.content_text == at_once.content_text and later.content_html == at_once.content_html
    assert later.content_hash == at_once.content_hash and later.extractor == at_once.extractor
    assert later.author == "Ann Lee"


def test_a_page_shorter_than_the_feeds_text_leaves_the_feeds_text():
    teaser = "<p>" + "The terminal opens in spring after the review of the pier foundations. " * 6 + "</p>"
    stored = article_build(entry(content=teaser), feed_url="https://news.example.com/feed")
    wall = b"<html><body><article><p>Subscribe to read this article.</p></article></body></html>"
    later = page_apply(
        url=stored.canonical_url,
        content_html=stored.content_html,
        content_text=stored.content_text,
        image_url="",
        page_html=wall,
        page_url=None,
    )
    assert later.extractor == "feed" and later.content_text == stored.content_text
    assert later.content_html == stored.content_html
