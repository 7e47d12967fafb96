"""Django's RSS 2.0 and Atom generators, plus two elements per item: the original link and the source.

The original article is an Atom `link rel="via"` (in RSS under the Atom namespace Django's RSS already
declares); the publisher is each format's own `source` element.
"""

from __future__ import annotations

from typing import Any
from xml.sax.xmlreader import AttributesImpl

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.xmlutils import SimplerXMLGenerator


class RssFeed(Rss201rev2Feed):
    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("atom:link", "", {"rel": "via", "href": item["original_url"]})
        handler.addQuickElement("source", item["source_name"], {"url": item["source_feed_url"]})


class AtomFeed(Atom1Feed):
    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("link", "", {"rel": "via", "href": item["original_url"]})
        handler.startElement("source", AttributesImpl({}))
        handler.addQuickElement("id", item["source_feed_url"])
        handler.addQuickElement("title", item["source_name"])
        handler.addQuickElement("link", "", {"rel": "self", "href": item["source_feed_url"]})
        handler.endElement("source")
