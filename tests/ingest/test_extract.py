from datetime import UTC, datetime
from pathlib import Path

import pytest

from gazette.ingest import extract as extract_module
from gazette.ingest.extract import Extracted, ExtractOptions, extract

PAGES = Path(__file__).parent / "testdata" / "pages"
URL = "https://courier.example.com/news/2024/03/harbour-tidal-barrier?utm_source=feed"


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def test_news_article_metadata():
    doc = extract(page("news_article.html"), URL)
    assert doc.title == "Harbour council approves tidal barrier plan"
    assert doc.author == "Jane Doe"
    assert doc.published == datetime(2024, 3, 14, 14, 41, tzinfo=UTC)
    assert doc.updated == datetime(2024, 3, 14, 17, 5, tzinfo=UTC)
    assert doc.published.tzinfo is UTC
    assert doc.image == "https://courier.example.com/images/2024/barrier-lead.jpg"
    assert doc.canonical_url == "https://courier.example.com/news/2024/03/harbour-tidal-barrier"
    assert doc.language == "en"
    assert doc.site_name == "The Coastal Courier"
    assert doc.description.startswith("Councillors voted 9-2")
    assert doc.extractor == "trafilatura"


def test_news_article_text_and_html():
    doc = extract(page("news_article.html"), URL)
    assert "movable tidal barrier across the harbour mouth" in doc.text
    assert "Construction is due to begin next spring" in doc.text
    assert "\n\n" in doc.text  # paragraphs separated by a blank line
    assert "<p>" in doc.html
    # site chrome outside the article never reaches the extractor's output
    assert "Privacy" not in doc.text
    assert "Ferry timetable" not in doc.text


def test_meta_tags_without_json_ld():
    doc = extract(page("german_blog.html"), "https://stadtblatt.example.de/2023/09/radwege")
    assert doc.title == "Neue Radwege für die Innenstadt"
    assert doc.author == "Max Mustermann"
    assert doc.published == datetime(2023, 9, 2, 6, 15, tzinfo=UTC)
    assert doc.image == "https://stadtblatt.example.de/bilder/radweg.jpg"
    assert doc.language == "de"
    assert doc.site_name == "Stadtblatt Nord"
    assert "zwölf Kilometer neue Radwege" in doc.text


def test_str_input_and_no_url():
    doc = extract(page("german_blog.html").decode("utf-8"))
    assert "zwölf Kilometer" in doc.text
    assert doc.canonical_url is None


def test_drop_selectors():
    assert "reader competition" in extract(page("selectors.html")).text
    doc = extract(page("selectors.html"), options=ExtractOptions(drop_selectors=(".promo-box",)))
    assert "reader competition" not in doc.text
    assert "central library will stay open" in doc.text


def test_keep_selectors():
    options = ExtractOptions(keep_selectors=(".community-notes",))
    doc = extract(page("selectors.html"), options=options)
    assert "allotment society" in doc.text
    assert "central library" not in doc.text


def test_keep_and_drop_together():
    options = ExtractOptions(keep_selectors=(".story-body",), drop_selectors=(".promo-box",))
    doc = extract(page("selectors.html"), options=options)
    assert "central library" in doc.text
    assert "mobile service" in doc.text
    assert "reader competition" not in doc.text
    assert "allotment society" not in doc.text


def test_keep_selector_matching_nothing_keeps_the_page():
    doc = extract(page("selectors.html"), options=ExtractOptions(keep_selectors=(".no-such-thing",)))
    assert "central library" in doc.text


def test_bad_selector_is_ignored():
    doc = extract(page("selectors.html"), options=ExtractOptions(drop_selectors=("p[[",)))
    assert "central library" in doc.text


def test_script_rendered_page_uses_structured_data():
    doc = extract(page("script_rendered.html"), "https://journal.example.fr/tram")
    assert "prolongement de la ligne de tramway" in doc.text
    assert doc.title == "Le tramway prolongé jusqu'à la gare"
    assert doc.published == datetime(2022, 5, 10, tzinfo=UTC)
    assert doc.language == "fr"
    assert doc.extractor != "none"


def test_chain_falls_back_when_trafilatura_fails(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(extract_module, "_trafilatura", broken)
    doc = extract(page("news_article.html"), URL)
    assert doc.extractor in {"readability", "justext", "baseline"}
    assert "movable tidal barrier" in doc.text


def test_chain_reaches_baseline(monkeypatch):
    monkeypatch.setattr(extract_module, "_trafilatura", lambda *a, **k: "")
    monkeypatch.setattr(extract_module, "_readability", lambda tree: "")
    monkeypatch.setattr(extract_module, "_justext", lambda tree, url: "")
    doc = extract(page("script_rendered.html"))
    assert doc.extractor == "baseline"
    assert "Quatre nouvelles stations" in doc.text


def test_short_text_tries_later_steps_but_keeps_first_if_nothing_better():
    html = "<html><body><article><p>Only a short notice today.</p></article></body></html>"
    doc = extract(html)
    assert doc.text == "Only a short notice today."
    assert doc.extractor == "trafilatura"


def test_min_text_chars_is_tunable(monkeypatch):
    calls = []
    real = extract_module._trafilatura

    def spy(tree, url, options, *, recall):
        calls.append(recall)
        return real(tree, url, options, recall=recall)

    monkeypatch.setattr(extract_module, "_trafilatura", spy)
    extract(page("news_article.html"), options=ExtractOptions(min_text_chars=10))
    assert calls == [False]
    calls.clear()
    extract(page("news_article.html"), options=ExtractOptions(min_text_chars=100_000))
    assert calls == [False, True]


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        b"",
        "   ",
        b"\x00\xff\xfe\x01binary\x00junk" * 50,
        "<<<>>>&&&",
        "<html><body>" + "<div>" * 5000 + "deep text" + "</div>" * 5000 + "</body></html>",
        "<html><body>" + "<span><b>" * 3000 + "x" + "</b></span>" * 3000,
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", "datePublished": 5</script>',
        '<html><head><meta property="article:published_time" content="yesterday"></head><body><p>x</p>',
        "<html><body><p>Ünïcödé ✓ 漢字</p></body></html>".encode("utf-16"),
    ],
)
def test_garbage_input_does_not_raise(garbage):
    doc = extract(garbage)
    assert isinstance(doc, Extracted)
    assert isinstance(doc.text, str)
    assert doc.published is None or doc.published.tzinfo is not None


def test_empty_input_records_none():
    doc = extract("")
    assert doc.extractor == "none"
    assert doc.text == "" and doc.html == ""
