"""Presentation helpers: relative times, teasers, publisher badges, themes, proxied images."""

from __future__ import annotations

import hashlib
import html
import re
import zlib
from datetime import datetime

from django import template
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator, slugify

from gazette.sources.models import Category, Source
from gazette.stories.models import Topic
from gazette.web.media import media_url

register = template.Library()

THEMES = ("light", "dark")
_TAGS = re.compile(r"<[^>]*>")
THEME_COOKIE = "theme"
BADGE_COLOURS = 8
NAV_TOPICS = 12


@register.filter
def ago(value: datetime | None, now: datetime | None = None) -> str:
    """'29 minutes ago', 'yesterday', '3 days ago'; a date beyond a week."""
    if value is None:
        return ""
    now = now or timezone.now()
    seconds = int((now - value).total_seconds())
    if seconds < 0:
        return "just now" if seconds > -300 else exact_date(value)
    if seconds < 60:
        return "just now"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    days = hours // 24
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    return exact_date(value)


def exact_date(value: datetime) -> str:
    local = timezone.localtime(value)
    return f"{local.day} {local:%b %Y}"


@register.filter
def exact(value: datetime | None) -> str:
    """The full time for a tooltip: 'Thursday 26 November 2026, 10:53 UTC'."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local:%A} {local.day} {local:%B %Y, %H:%M %Z}"


@register.filter
def stamp(value: datetime | None) -> str:
    """The time shown beside the relative one, as news sites print it: '7 Dec 2026, 14:05 UTC'."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local.day} {local:%b %Y, %H:%M %Z}"


@register.filter
def same_headline(title: str, other: str) -> bool:
    """Whether two headlines read the same, case and spacing aside (a story titled by this article)."""
    return " ".join((title or "").split()).casefold() == " ".join((other or "").split()).casefold()


@register.filter
def iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""


@register.filter
def teaser(article, length: int = 200) -> str:
    """A short plain-text summary: the feed's teaser, else the start of the text. Never the full text."""
    # The summary is sanitised HTML: dropping tags with a pattern is enough, and much faster than a parser.
    text = _TAGS.sub(" ", article.summary or "")
    if not text.strip():
        # Lists load only the start of the text (as text_start), never the whole of it.
        text = article.__dict__.get("text_start", None)
        text = article.content_text if text is None else text
    text = html.unescape(text or "")
    return Truncator(" ".join(text.split())).chars(length)


@register.filter
def reading_time(words: int) -> str:
    """'4 min read' at 230 words a minute."""
    return f"{max(1, round((words or 0) / 230))} min read"


@register.filter
def media(url: str) -> str:
    return media_url(url)


@register.filter
def article_url(article) -> str:
    slug = slugify(article.title)[:80].strip("-")
    if slug:
        return reverse("web:article_slug", args=[article.pk, slug])
    return reverse("web:article", args=[article.pk])


@register.simple_tag
def source_badge(source: Source, size: int = 20) -> SafeString:
    """The publisher's coloured initial, covered by its favicon when it has one.

    The initial is always there: a favicon address that fails to load (gone, refused, not an image)
    is removed by site.js, and the initial shows instead of a broken image. Not lazy: site.js can
    then tell a broken icon from one not yet asked for, and one small icon per outlet costs little.
    """
    name = str(source).removeprefix("The ").strip() or "?"
    colour = zlib.crc32(name.encode()) % BADGE_COLOURS
    if source.icon_url:
        return format_html(
            '<span class="badge badge-{} badge-with-icon" aria-hidden="true">{}<img class="badge-icon" '
            'src="{}" width="{}" height="{}" alt="" decoding="async"></span>',
            colour,
            name[0].upper(),
            media_url(source.icon_url),
            size,
            size,
        )
    return format_html('<span class="badge badge-{}" aria-hidden="true">{}</span>', colour, name[0].upper())


@register.simple_tag(takes_context=True)
def theme(context) -> str:
    """The theme the reader chose (light or dark), or '' to follow the system."""
    request = context.get("request")
    value = request.COOKIES.get(THEME_COOKIE, "") if request is not None else ""
    return value if value in THEMES else ""


@register.simple_tag
def site_name() -> str:
    return settings.GAZETTE_SITE_NAME


@register.simple_tag
def nav_topics() -> list[tuple[str, Topic | Category]]:
    """(url name, topic) for the navigation bar: topics that have articles, else categories with sources.

    Cached briefly since every page shows it.
    """
    topics = cache.get("web:nav-topics")
    if topics is None:
        found = Topic.objects.with_articles()[:NAV_TOPICS]
        topics = [("web:topic", t) for t in found]
        if not topics:
            categories = Category.objects.filter(sources__isnull=False).distinct()[:NAV_TOPICS]
            topics = [("web:category", c) for c in categories]
        cache.set("web:nav-topics", topics, 300)
    return topics


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    """The current URL with another ?page=, keeping the other query parameters."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


# Cached pages are shared between readers, so a form on them cannot carry one reader's CSRF token. The
# template writes this slot instead and each response gets the reader's own token on the way out
# (views.caching.csrf_fill). The slot is keyed on SECRET_KEY so an article's text can never contain it.
def csrf_slot() -> str:
    """The stand-in for the CSRF token that csrf_fill replaces."""
    return "csrf-slot-" + hashlib.blake2b(settings.SECRET_KEY.encode(), digest_size=8).hexdigest()


@register.simple_tag
def csrf_slot_input() -> SafeString:
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', csrf_slot())
