"""HTML and SVG for the demo outlets: homepages and article pages wrapped in real-world clutter."""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gazette.demo.site import DemoSite

SECTIONS = {
    "World": ["Europe", "Americas", "Asia", "Africa", "Middle East"],
    "Politics": ["Elections", "Parliament", "Policy"],
    "Business": ["Markets", "Economy", "Companies", "Personal finance"],
    "Technology": ["Gadgets", "AI", "Security"],
    "Science": ["Space", "Environment"],
    "Health": ["Wellbeing", "Medicine"],
    "Sport": ["Football", "Cricket", "Tennis", "Formula 1"],
    "Entertainment": ["Film", "TV", "Music"],
    "Opinion": ["Editorials", "Letters"],
}

TICKERS = [
    ("LUMEN 500", "5,412.38", "+0.42%"),
    ("FFM", "38.17", "+6.81%"),
    ("CRBL", "24.90", "+11.02%"),
    ("NVLK", "112.45", "-1.37%"),
    ("10Y", "4.21%", "+0.03"),
    ("BRENT", "81.64", "-0.58%"),
    ("GOLD", "2,318.10", "+0.21%"),
]


def esc(text: str) -> str:
    """Escape text for an HTML text node (quotes left as typed, so prose stays searchable)."""
    return html.escape(text, quote=False)


def _a(text: str) -> str:
    return html.escape(text, quote=True)


def _stable(key: str, modulo: int) -> int:
    """A deterministic pseudo-random number, so pages look varied but render identically every time."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % modulo


def _initials(name: str) -> str:
    words = [w for w in name.replace("The ", "").split() if w[:1].isalpha()]
    return "".join(w[0] for w in words[:2]).upper()


def _clock(when: datetime) -> str:
    return when.strftime("%I:%M %p").lstrip("0")


def _day(when: datetime) -> str:
    return f"{when.day} {when:%B %Y}"


def _ago(site: DemoSite, when: datetime) -> str:
    minutes = int((site.now - when).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min ago"
    if minutes < 48 * 60:
        return f"{minutes // 60}h ago"
    return f"{minutes // 1440} days ago"


def body_html(article: dict) -> str:
    """The clean article body (lead figure and paragraphs), as full-content feeds carry it."""
    parts = []
    if article["image_url"]:
        parts.append(
            f'<figure><img src="{_a(article["image_url"])}" alt="{_a(article["image_alt"])}"/>'
            f"<figcaption>{esc(article['image_alt'])}</figcaption></figure>"
        )
    parts += [f"<p>{esc(p)}</p>" for p in article["paragraphs"]]
    return "\n".join(parts)


# --- SVG ---------------------------------------------------------------------------------------------


def favicon_svg(outlet: dict) -> str:
    """A square logo with the outlet's initials on its colour."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">'
        f'<rect width="64" height="64" rx="10" fill="{_a(outlet["color"])}"/>'
        '<text x="32" y="42" font-family="Georgia, serif" font-size="28" font-weight="bold" '
        f'text-anchor="middle" fill="#ffffff">{esc(_initials(outlet["name"]))}</text></svg>'
    )


def lead_image_svg(outlet: dict, article: dict) -> str:
    """A placeholder photo: a tinted frame with the caption text, so images are real fetchable resources."""
    words, lines, line = article["image_alt"].split(), [], ""
    for word in words:
        if len(line) + len(word) > 38:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    lines.append(line)
    text = "".join(
        f'<text x="600" y="{300 + 46 * i - 23 * len(lines)}" font-family="Helvetica, Arial, sans-serif" '
        f'font-size="36" text-anchor="middle" fill="#ffffff">{esc(t)}</text>'
        for i, t in enumerate(lines)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200 675" width="1200" height="675">'
        f'<rect width="1200" height="675" fill="{_a(outlet["color"])}"/>'
        '<rect x="24" y="24" width="1152" height="627" fill="none" stroke="#ffffff" stroke-opacity="0.4"/>'
        f"{text}"
        f'<text x="1170" y="645" font-family="Helvetica, Arial, sans-serif" font-size="20" '
        f'text-anchor="end" fill="#ffffff" fill-opacity="0.7">{esc(outlet["name"])}</text></svg>'
    )


# --- shared page furniture -----------------------------------------------------------------------------


def _head(site: DemoSite, outlet: dict, title: str, description: str, article: dict | None = None) -> str:
    slug = outlet["slug"]
    base = f"{site.base_url}/{slug}"
    rel = "sitemap" if outlet["feed_format"] == "sitemap" else "alternate"
    feed_link = (
        f'<link rel="{rel}" type="{site.feed_type(slug)}" title="{_a(outlet["name"])}" '
        f'href="{_a(site.feed_url(slug))}">'
    )
    canonical = article["url"] if article else f"{base}/"
    meta = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f'<meta name="description" content="{_a(description)}">',
        f'<link rel="canonical" href="{_a(canonical)}">',
        f'<link rel="icon" type="image/svg+xml" href="{base}/favicon.svg">',
        feed_link,
        f'<meta property="og:site_name" content="{_a(outlet["name"])}">',
        f'<meta property="og:url" content="{_a(canonical)}">',
        f'<meta name="theme-color" content="{_a(outlet["color"])}">',
    ]
    if article:
        meta += [
            '<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{_a(article["headline"])}">',
            f'<meta property="og:description" content="{_a(article["summary"])}">',
            f'<meta property="article:published_time" content="{article["published"].isoformat()}">',
            f'<meta property="article:modified_time" content="{article["modified"].isoformat()}">',
            f'<meta property="article:section" content="{_a(article["topic"])}">',
            '<meta name="twitter:card" content="summary_large_image">',
            f'<meta name="twitter:title" content="{_a(article["headline"])}">',
        ]
        if article["author"]:
            meta.append(f'<meta name="author" content="{_a(article["author"])}">')
        if article["image_url"]:
            meta.append(f'<meta property="og:image" content="{_a(article["image_url"])}">')
            meta.append(f'<meta property="og:image:alt" content="{_a(article["image_alt"])}">')
        meta.append(f'<script type="application/ld+json">{_json_ld(site, outlet, article)}</script>')
    else:
        meta.append(f'<meta property="og:title" content="{_a(outlet["name"])}">')
    meta.append(_style(outlet))
    return "<head>\n" + "\n".join(meta) + "\n</head>"


def _json_ld(site: DemoSite, outlet: dict, article: dict) -> str:
    data: dict = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": article["url"]},
        "headline": article["headline"],
        "description": article["summary"],
        "datePublished": article["published"].isoformat(),
        "dateModified": article["modified"].isoformat(),
        "articleSection": article["topic"],
        "inLanguage": outlet["language"],
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": outlet["name"],
            "logo": {"@type": "ImageObject", "url": f"{site.base_url}/{outlet['slug']}/favicon.svg"},
        },
    }
    if article["author"]:
        data["author"] = [{"@type": "Person", "name": article["author"]}]
    else:
        data["author"] = {"@type": "Organization", "name": outlet["name"]}
    if article["image_url"]:
        data["image"] = {"@type": "ImageObject", "url": article["image_url"], "caption": article["image_alt"]}
    # "</" must not appear inside a script element.
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def _style(outlet: dict) -> str:
    c = outlet["color"]
    return (
        "<style>body{margin:0;font-family:Georgia,serif;color:#222}"
        f"header.masthead,.topbar{{background:{c};color:#fff;padding:8px 16px}}"
        "a{color:inherit}.mega-menu,.cookie-banner .details{display:none}"
        ".ad-slot{background:#f2f2f2;text-align:center;font:11px sans-serif;color:#888;padding:24px}"
        "main,.wrap{max-width:760px;margin:0 auto;padding:0 16px}img{max-width:100%}"
        ".ticker-strip{font:12px monospace;background:#111;color:#0f0;padding:4px}</style>"
    )


def _nav(outlet: dict, mega: bool) -> str:
    items = []
    for section, subs in SECTIONS.items():
        sub = ""
        if mega:
            links = "".join(
                f'<li><a href="/{outlet["slug"]}/#{_a(s.lower())}">{esc(s)}</a></li>' for s in subs
            )
            promo = f'<p class="mega-promo">Explore all {esc(section)}</p>'
            sub = f'<div class="mega-menu"><ul>{links}</ul>{promo}</div>'
        items.append(
            f'<li class="nav-item"><a href="/{outlet["slug"]}/#{section.lower()}">{section}</a>{sub}</li>'
        )
    return f'<nav class="site-nav" aria-label="Sections"><ul>{"".join(items)}</ul></nav>'


def _cookie_banner(outlet: dict) -> str:
    return (
        '<div class="cookie-banner" role="dialog" aria-label="Cookie consent">'
        f"<p>{esc(outlet['name'])} and our 214 partners use cookies and similar technologies to store and "
        "access information on your device, to personalise content and ads, and to analyse our traffic.</p>"
        '<button class="accept">Accept all</button> <button class="reject">Reject all</button> '
        '<a href="#privacy">Manage preferences</a></div>'
    )


def _account_bar(outlet: dict) -> str:
    price = ["$1 a week", "£1 for 3 months", "just 99p"][_stable(outlet["slug"], 3)]
    return (
        '<div class="account-bar"><a class="signin" href="#signin">Sign in</a> '
        '<a class="subscribe" href="#subscribe">Subscribe</a> '
        f"<span>Get unlimited access for {price}</span></div>"
    )


def _share_bar(article: dict) -> str:
    return (
        '<div class="share-bar"><span>Share this article</span>'
        f'<a href="https://www.facebook.com/sharer/sharer.php?u={_a(article["url"])}">Share on Facebook</a>'
        f'<a href="https://x.com/intent/post?url={_a(article["url"])}">Share on X</a>'
        '<a href="mailto:?subject=Story">Email</a><button>Copy link</button></div>'
    )


def _ad(n: int) -> str:
    return f'<div class="ad-slot" id="ad-slot-{n}"><span>ADVERTISEMENT</span><div class="gpt-ad"></div></div>'


def _related_box(related: list[dict], title: str = "Read more:") -> str:
    links = "".join(f'<li><a href="{_a(r["url"])}">{esc(r["headline"])}</a></li>' for r in related[:3])
    return f'<aside class="related-links"><h3>{esc(title)}</h3><ul>{links}</ul></aside>'


def _read_more_line(related: list[dict], k: int) -> str:
    if not related:
        return ""
    r = related[k % len(related)]
    link = f'<a href="{_a(r["url"])}">{esc(r["headline"])}</a>'
    return f'<p class="read-more"><strong>Read more:</strong> {link}</p>'


def _newsletter(name: str, blurb: str) -> str:
    return (
        f'<div class="newsletter-signup"><h4>{esc(name)}</h4><p>{esc(blurb)}</p>'
        '<form><input type="email" placeholder="Enter your email address"><button>Sign up</button></form>'
        "<small>By signing up you agree to our Terms of Use and acknowledge our Privacy Notice.</small></div>"
    )


def _comments(article: dict) -> str:
    count = 12 + _stable(article["id"], 480)
    return (
        f'<div class="comments-prompt"><a href="#comments">Join the conversation ({count} comments)</a>'
        "<p>Comments are open to subscribers. Please keep it civil.</p></div>"
    )


def _most_read(site: DemoSite, outlet: dict, title: str = "Most read") -> str:
    others = site.outlet_articles(outlet["slug"])[:5]
    links = "".join(f'<li><a href="{_a(r["url"])}">{esc(r["headline"])}</a></li>' for r in others)
    return f'<aside class="most-read"><h3>{esc(title)}</h3><ol>{links}</ol></aside>'


def _footer(site: DemoSite, outlet: dict) -> str:
    return (
        '<footer class="site-footer"><ul><li><a href="#about">About us</a></li>'
        '<li><a href="#contact">Contact</a></li><li><a href="#terms">Terms of use</a></li>'
        '<li><a href="#privacy">Privacy policy</a></li><li><a href="#cookies">Cookie settings</a></li>'
        '<li><a href="#advertise">Advertise with us</a></li></ul>'
        f"<p>&copy; {site.now.year} {esc(outlet['name'])}. Owned by {esc(outlet['ownership'])}. All rights "
        "reserved. Reproduction in whole or in part without written permission is prohibited. "
        "Registered office: 1 Printing House Square. Use of this site constitutes acceptance of our "
        "User Agreement and Privacy Policy and Cookie Statement.</p></footer>"
    )


def _figure(article: dict, credit: str) -> str:
    if not article["image_url"]:
        return ""
    return (
        f'<figure class="lead-media"><img src="{_a(article["image_url"])}" alt="{_a(article["image_alt"])}" '
        f'width="1200" height="675" loading="eager"><figcaption>{esc(article["image_alt"])} '
        f'<span class="credit">{esc(credit)}</span></figcaption></figure>'
    )


def _byline(article: dict, outlet: dict, stamp: str) -> str:
    """Byline and timestamp glued into one line, the way many CMSs print them."""
    who = f"By {article['author']}" if article["author"] else outlet["name"]
    return f"{esc(who)} | {stamp}"


def _paragraphs(article: dict, inserts: dict[int, str]) -> str:
    """Body paragraphs with page clutter slotted in after the given paragraph indexes."""
    out = []
    for i, p in enumerate(article["paragraphs"]):
        out.append(f"<p>{esc(p)}</p>")
        if i in inserts and i < len(article["paragraphs"]) - 1:
            out.append(inserts[i])
    return "\n".join(out)


def _syndication_note(site: DemoSite, article: dict) -> str:
    if not article.get("copy_of"):
        return ""
    return '<p class="syndication">&copy; Meridian Wire. Distributed under licence. All rights reserved.</p>'


# --- article layouts -------------------------------------------------------------------------------------


def _broadsheet(site: DemoSite, outlet: dict, article: dict, related: list[dict]) -> str:
    stamp = f"Updated {_clock(article['modified'])} UTC, {_day(article['modified'])}"
    return f"""{_cookie_banner(outlet)}
<header class="masthead"><a href="/{outlet["slug"]}/">{esc(outlet["name"])}</a>{_account_bar(outlet)}</header>
{_nav(outlet, mega=True)}
<main id="main">
<article class="story">
<header class="story-header"><a class="section-label" href="#">{esc(article["topic"])}</a>
<h1>{esc(article["headline"])}</h1><p class="dek">{esc(article["summary"])}</p>
<div class="byline">{_byline(article, outlet, stamp)}</div>{_share_bar(article)}</header>
{_figure(article, "Photo: Ledger staff")}
<div class="story__content" data-component="text-block">
{_paragraphs(article, {1: _ad(1), 3: _related_box(related)})}
</div>
{_syndication_note(site, article)}
</article>
{_newsletter("The Morning Ledger", "The day's most important stories, before your first coffee.")}
{_comments(article)}
{_most_read(site, outlet)}
</main>
{_footer(site, outlet)}"""


def _wire(site: DemoSite, outlet: dict, article: dict, related: list[dict]) -> str:
    stamp = f"{_day(article['published'])} {article['published']:%H:%M} GMT"
    return f"""<div class="topbar">{esc(outlet["name"])} <a href="#clients">Media clients: log in</a>
<a href="#licensing">Licensing</a> <a href="#signin">Sign in</a></div>
{_nav(outlet, mega=False)}
<div id="content"><div class="article-wrap">
<div class="kicker">{esc(article["topic"])} | {esc(article["headline"])}</div>
<h1 class="headline">{esc(article["headline"])}</h1>
<div class="article-meta">{_byline(article, outlet, stamp)}</div>
<div class="article-text" itemprop="articleBody">
{_figure(article, "Meridian Wire/Photo")}
{_paragraphs(article, {3: _ad(1)})}
</div>
<p class="editing-credit">Reporting by {esc(article["author"] or "Meridian Wire staff")};
editing by the Meridian Wire desk. Our standards: The Meridian Trust Principles.</p>
<div class="licensing">Purchase licensing rights for this story. Contact sales@meridian-wire.example</div>
{_share_bar(article)}
</div>{_related_box(related, "More from Meridian Wire")}</div>
{_footer(site, outlet)}"""


def _magazine(site: DemoSite, outlet: dict, article: dict, related: list[dict]) -> str:
    stamp = f"{article['published']:%a} {_day(article['published'])} {article['published']:%H.%M} GMT"
    return f"""{_cookie_banner(outlet)}
<div class="support-banner"><p>Independent journalism needs your support. Readers fund the Northgate Times.
</p><a href="#support">Support us from £2</a></div>
<header class="masthead">{esc(outlet["name"])}{_nav(outlet, mega=True)}</header>
<article class="content" lang="{outlet["language"]}">
<header><p class="kicker">{esc(article["topic"])}</p><h1>{esc(article["headline"])}</h1>
<p class="standfirst">{esc(article["summary"])}</p></header>
{_figure(article, "Photograph: Northgate Times")}
<div class="meta">{_byline(article, outlet, stamp)}{_share_bar(article)}</div>
<section class="content">
<div class="content__body">
{_paragraphs(article, {2: _ad(1), 4: _read_more_line(related, 0)})}
</div>
{_syndication_note(site, article)}
</section>
</article>
{_newsletter("Northgate Briefing", "Sign up for our daily email with the news you need to start your day.")}
{_most_read(site, outlet, "Most viewed")}
{_comments(article)}
{_footer(site, outlet)}"""


def _digital(site: DemoSite, outlet: dict, article: dict, related: list[dict]) -> str:
    stamp = f"Published {_ago(site, article['published'])}"
    return f"""{_cookie_banner(outlet)}
<div class="topbar"><a href="/{outlet["slug"]}/">{esc(outlet["name"])}</a> {_account_bar(outlet)}</div>
{_nav(outlet, mega=False)}
<div class="wrap">
<div class="story-header"><span class="kicker">{esc(article["topic"])}</span>
<h1 class="story-title">{esc(article["headline"])}</h1>
<div class="story-meta">{_byline(article, outlet, stamp)}</div></div>
{_share_bar(article)}
{_figure(article, "(Civic Post)")}
<div class="story-body">
<p class="kicker-repeat"><strong>{esc(article["headline"])}</strong></p>
{
        _paragraphs(
            article,
            {
                0: _read_more_line(related, 0),
                1: _ad(1),
                2: _newsletter(
                    "Civic Daily", "Sign up for our newsletter. Politics explained, every weekday."
                ),
                4: _read_more_line(related, 1),
            },
        )
    }
</div>
{_syndication_note(site, article)}
{_comments(article)}
{_related_box(related, "Related stories")}
</div>
{_footer(site, outlet)}"""


def _regional(site: DemoSite, outlet: dict, article: dict, related: list[dict]) -> str:
    # An older CMS: table layout and paragraphs separated by line breaks rather than <p>.
    text = "<br><br>\n".join(esc(p) for p in article["paragraphs"])
    stamp = f"Posted {article['published']:%b} {article['published'].day}, {_clock(article['published'])}"
    return f"""<table class="layout" width="100%"><tr><td class="banner" colspan="2">
<a href="/{outlet["slug"]}/">{esc(outlet["name"])}</a> - {esc(outlet["tagline"])}
<span class="weather">Pinewood 14&deg;C Cloudy</span> {_account_bar(outlet)}</td></tr>
<tr><td class="nav">{_nav(outlet, mega=False)}
<div class="obits"><a href="#obituaries">Obituaries</a> | <a href="#classifieds">Classifieds</a> |
<a href="#e-edition">E-Edition</a></div></td>
<td class="main"><div id="story">
<h1>{esc(article["headline"])}</h1>
<div class="byline">{_byline(article, outlet, stamp)}</div>
{_figure(article, "Herald photo")}
<div class="storytext">
{text}
</div>
{_ad(1)}
<p class="tip">Have a news tip? Call the newsroom at 555-0142 or email news@pinewood-herald.example</p>
{_share_bar(article)}
{_most_read(site, outlet, "Popular on the Herald")}
</div></td></tr></table>
{_footer(site, outlet)}"""


def _finance(site: DemoSite, outlet: dict, article: dict, related: list[dict]) -> str:
    tickers = "".join(
        f'<li><span class="sym">{esc(s)}</span> <span class="px">{esc(p)}</span> '
        f'<span class="chg">{esc(c)}</span></li>'
        for s, p, c in TICKERS
    )
    quote_card = (
        '<div class="quote-card"><span class="sym">FFM</span> Fairfield Markets Inc. 38.17 +2.43 (+6.81%) '
        "<em>At close. Market data delayed 15 minutes.</em> <button>+ Watchlist</button></div>"
    )
    stamp = f"{_day(article['published'])} at {_clock(article['published'])} UTC &middot; 4 min read"
    return f"""{_cookie_banner(outlet)}
<div class="ticker-strip"><ul>{tickers}</ul></div>
<header class="masthead">{esc(outlet["name"])}
<div class="portfolio-bar"><a href="#signin">Sign in to access your portfolio</a></div></header>
{_nav(outlet, mega=True)}
<div class="market-widget"><h4>My Portfolio</h4><p>Error in retrieving data</p><p>Try again later.</p></div>
<div class="article-container">
<h1 data-test-locator="headline">{esc(article["headline"])}</h1>
<div class="caas-attr">{_byline(article, outlet, stamp)}</div>
{_share_bar(article)}
{_figure(article, "Lumen Business Daily")}
<div class="article-body__content caas-body">
{_paragraphs(article, {0: quote_card, 2: _ad(1), 4: _ad(2)})}
</div>
{_syndication_note(site, article)}
<div class="market-widget trending"><h4>Trending tickers</h4><p>Error in retrieving data</p></div>
{_related_box(related, "Read more:")}
</div>
{_newsletter("Lumen Markets Open", "Get the pre-market briefing traders read first.")}
{_footer(site, outlet)}"""


def _blog(site: DemoSite, outlet: dict, article: dict, related: list[dict]) -> str:
    when = article["published"]
    stamp = f"{when:%b} {when.day}, {when:%Y} {_clock(when)}"
    author = article["author"] or "Techfront staff"
    return f"""{_cookie_banner(outlet)}
<header class="site-header topbar"><a href="/{outlet["slug"]}/">{esc(outlet["name"])}</a>
{_nav(outlet, mega=False)}<a href="#signin">Sign in</a> <a href="#pro">Go Pro</a></header>
<div class="wrap"><article class="post">
<header class="entry-header"><div class="cat-links">{esc(article["topic"])}</div>
<h1 class="entry-title">{esc(article["headline"])}</h1>
<div class="entry-meta">{_byline(article, outlet, stamp)}</div></header>
{_share_bar(article)}
<div class="entry-content">
{_figure(article, "Image: Techfront")}
{_paragraphs(article, {1: _ad(1), 3: _related_box(related, "Related:")})}
</div>
<footer class="entry-footer"><span class="tags">Tags: {esc(article["topic"].lower())}, news</span>
<div class="author-bio"><strong>{esc(author)}</strong> covers consumer tech and the industry behind it for
Techfront. Send tips securely via our contact page.</div></footer>
</article>
<section id="comments"><h3>2 comments</h3>
<div class="comment"><b>pixel_pusher</b> <p>Great write-up, but I'll wait for the second generation.</p></div>
<div class="comment"><b>hannah_k</b> <p>First!</p></div>
<p>Log in to leave a comment.</p></section>
</div>
{_footer(site, outlet)}"""


def _tabloid(site: DemoSite, outlet: dict, article: dict, related: list[dict]) -> str:
    when = article["published"]
    stamp = f"{_clock(when)}, {when:%d %b %Y} | Updated: {_clock(article['modified'])}"
    links = "".join(f'<li><a href="{_a(r["url"])}">{esc(r["headline"])}</a></li>' for r in related[3:6])
    dont_miss = f'<div class="dont-miss"><h3>DON&#8217;T MISS</h3><ul>{links}</ul></div>'
    return f"""{_cookie_banner(outlet)}
<div class="topbar"><a href="/{outlet["slug"]}/">{esc(outlet["name"])}</a> <a href="#signin">Sign in</a>
<a href="#bingo">Courier Bingo</a> <a href="#puzzles">Puzzles</a></div>
{_nav(outlet, mega=True)}
<div class="article-page">
<h1 class="headline">{esc(article["headline"])}</h1>
<ul class="standfirst"><li>{esc(article["summary"])}</li></ul>
<div class="author">{_byline(article, outlet, stamp)}</div>
<div class="share-top">SHARE {_share_bar(article)}</div>
<div class="video-player">Video loading. Click to play. Tap to play. The video will start in 8 seconds.</div>
{_figure(article, "Credit: Courier picture desk")}
<div class="article-body">
{_paragraphs(article, {0: _ad(1), 2: dont_miss, 4: _ad(2)})}
</div>
<p class="got-a-story">Got a story? Email news@evening-courier.example or call us direct on 0800 555 0199.</p>
{_most_read(site, outlet, "MOST READ")}
{_comments(article)}
</div>
{_footer(site, outlet)}"""


LAYOUTS: dict[str, Callable[[DemoSite, dict, dict, list[dict]], str]] = {
    "broadsheet": _broadsheet,
    "wire": _wire,
    "magazine": _magazine,
    "digital": _digital,
    "regional": _regional,
    "finance": _finance,
    "blog": _blog,
    "tabloid": _tabloid,
}


def article_page(site: DemoSite, outlet: dict, article: dict, related: list[dict]) -> str:
    """A full article page in the outlet's own layout, clutter included."""
    title = f"{article['headline']} | {outlet['name']}"
    body = LAYOUTS[outlet["layout"]](site, outlet, article, related)
    head = _head(site, outlet, title, article["summary"], article)
    return f'<!DOCTYPE html>\n<html lang="{outlet["language"]}">\n{head}\n<body>\n{body}\n</body>\n</html>\n'


def home_page(site: DemoSite, outlet: dict, articles: list[dict]) -> str:
    """An outlet's front page: the latest headlines, newest first."""
    items = "\n".join(
        f'<li class="teaser"><span class="section">{esc(a["topic"])}</span> '
        f'<a href="{_a(a["url"])}">{esc(a["headline"])}</a><p>{esc(a["summary"])}</p>'
        f'<time datetime="{a["published"].isoformat()}">{_ago(site, a["published"])}</time></li>'
        for a in articles
    )
    feed_path = "sitemap-news.xml" if outlet["feed_format"] == "sitemap" else "feed"
    head = _head(site, outlet, f"{outlet['name']} - {outlet['tagline']}", outlet["tagline"])
    return f"""<!DOCTYPE html>
<html lang="{outlet["language"]}">
{head}
<body>
{_cookie_banner(outlet)}
<header class="masthead"><h1>{esc(outlet["name"])}</h1><p>{esc(outlet["tagline"])}</p>
{_account_bar(outlet)}</header>
{_nav(outlet, mega=True)}
<main><h2>Latest news</h2><ul class="latest">
{items}
</ul><p><a href="/{outlet["slug"]}/{feed_path}">Subscribe to our feed</a></p></main>
{_footer(site, outlet)}
</body>
</html>
"""


def index_page(site: DemoSite) -> str:
    """The demo web's front door: every outlet, its feed, and the OPML list."""
    rows = "\n".join(
        f'<li><img src="/{o["slug"]}/favicon.svg" width="20" height="20" alt=""> '
        f'<a href="/{o["slug"]}/">{esc(o["name"])}</a> - {esc(o["tagline"])} '
        f'(<a href="{_a(o["feed_url"])}">{esc(o["feed_format"])} feed</a>)</li>'
        for o in site.outlets()
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Gazette demo outlets</title></head>
<body><h1>Gazette demo outlets</h1>
<p>Fictional news outlets served locally so Gazette can be tried without a network.
Subscribe to all of them at once with the <a href="/opml.xml">OPML list</a>.</p>
<ul>
{rows}
</ul></body></html>
"""
