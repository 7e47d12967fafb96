"""demo_start: run the offline demo publishers and follow their feeds, so a new install shows real content."""

from __future__ import annotations

import logging

from django.utils import timezone

from gazette.demo.server import DemoServer
from gazette.demo.site import DemoSite
from gazette.sources.models import Source

log = logging.getLogger(__name__)


def demo_sources_follow(site: DemoSite) -> list[Source]:
    """Create (or refresh) one source per demo outlet, due for polling now."""
    sources = []
    by_slug = {o["slug"]: o for o in site.outlets()}
    for feed_url in site.feed_urls():
        slug = feed_url.removeprefix(site.base_url).strip("/").split("/")[0]
        outlet = by_slug.get(slug, {})
        home = f"{site.base_url}/{slug}/"
        source, _ = Source.objects.update_or_create(
            feed_url=feed_url,
            defaults={
                "name": outlet.get("name", slug),
                "site_url": home,
                "icon_url": f"{home}favicon.svg",
                "language": outlet.get("language", "en"),
                "country": outlet.get("country") or "",
                "ownership": outlet.get("ownership") or "",
                "lean": outlet.get("lean") or "",
                "next_poll_at": timezone.now(),
            },
        )
        sources.append(source)
    return sources


def demo_start(*, port: int, host: str = "127.0.0.1") -> DemoServer:
    """Start the demo publishers on host:port (in this process) and follow them."""
    server = DemoServer(host=host, port=port)
    base_url = server.start()
    sources = demo_sources_follow(DemoSite(base_url))
    log.info("demo: %d publishers at %s", len(sources), base_url)
    return server
