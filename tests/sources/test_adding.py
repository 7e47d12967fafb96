import pytest
from lxml import etree

from gazette.sources.adding import sources_export_opml, sources_import_opml
from gazette.sources.models import Source

pytestmark = pytest.mark.django_db


def test_opml_round_trip_keeps_a_news_sitemap_a_sitemap():
    Source.objects.create(feed_url="https://news.example.com/sitemap-news.xml", name="Wire", kind="sitemap")
    Source.objects.create(feed_url="https://blog.example.com/atom.xml", name="Blog", kind="atom")
    exported = sources_export_opml()
    types = {o.get("xmlUrl"): o.get("type") for o in etree.fromstring(exported.encode()).iter("outline")}
    assert types == {
        "https://news.example.com/sitemap-news.xml": "sitemap",
        "https://blog.example.com/atom.xml": "rss",
    }
    Source.objects.all().delete()
    report = sources_import_opml(exported.encode())
    assert len(report.added) == 2
    kinds = dict(Source.objects.values_list("feed_url", "kind"))
    assert kinds["https://news.example.com/sitemap-news.xml"] == "sitemap"
    assert kinds["https://blog.example.com/atom.xml"] == ""  # a feed's format is found when it is polled
