"""Small builders for the feeds and article pages that polling tests serve from the local server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape

BODY = [
    "The harbour authority said on Tuesday that the new ferry terminal would open in the spring, "
    "two years later than first planned, after a review found problems with the pier foundations.",
    "Engineers discovered that the concrete piles had settled unevenly during the winter storms, "
    "forcing the contractor to drive new supports into the bedrock beneath the old quay.",
    "Local councillor Maria Ostrander said residents had waited long enough and that the authority "
    "owed the town a clear timetable and an honest account of the extra costs.",
    "The authority estimates the repairs will add about 4.1 million to the budget, which will be "
    "shared between the regional government and the ferry operator under the original agreement.",
]


def article_page(
    title: str, paragraphs: list[str], *, canonical: str | None = None, author: str = "Ann Lee"
) -> str:
    """A news page wrapped in the usual junk: navigation, share bar, sign-in prompt, footer."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    link = f'<link rel="canonical" href="{escape(canonical)}">' if canonical else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)} | Test Post</title>
{link}<meta name="author" content="{escape(author)}">
<meta property="article:published_time" content="2026-11-20T09:30:00+00:00"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a></nav>
<div class="signin">Sign in to access your portfolio</div>
<article><h1>{escape(title)}</h1><div class="share">Share on Facebook Share on X Email</div>
{body}
</article><footer>Copyright Test Post. All rights reserved. Privacy policy. Terms of use.</footer></body></html>"""


def rss(items: list[dict], *, title: str = "Test Post", link: str = "http://example.test/") -> str:
    """An RSS 2.0 feed; each item: guid, link, title, summary, [content], [published]."""
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    parts = []
    for i, item in enumerate(items):
        when = item.get("published") or now - timedelta(hours=i)
        content = (
            f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>" if item.get("content") else ""
        )
        parts.append(
            f'<item><guid isPermaLink="false">{escape(item["guid"])}</guid><link>{escape(item["link"])}</link>'
            f"<title>{escape(item['title'])}</title><description>{escape(item.get('summary', ''))}</description>"
            f"<pubDate>{format_datetime(when)}</pubDate>{content}</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{escape(title)}</title><link>{escape(link)}</link><language>en</language>"
        + "".join(parts)
        + "</channel></rss>"
    )
