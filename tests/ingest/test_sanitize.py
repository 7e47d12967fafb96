import pytest

from gazette.ingest.sanitize import html_to_text, sanitize_html

BASE = "https://news.example.com/world/2024/story.html"


def test_scripts_styles_iframes_removed_with_content():
    html = (
        "<p>Kept</p><script>alert(1)</script><style>p{color:red}</style>"
        "<iframe src='https://evil.example'>fallback</iframe><noscript>no js</noscript>"
    )
    out = sanitize_html(html)
    assert out == "<p>Kept</p>"


def test_event_handlers_and_javascript_urls_dropped():
    html = (
        '<p onclick="steal()">Hi <a href="javascript:alert(1)">link</a></p>'
        '<img src="x.jpg" onerror="alert(1)"><a href="JaVaScRiPt:alert(2)">two</a>'
        '<a href="data:text/html;base64,PHNjcmlwdD4=">three</a>'
    )
    out = sanitize_html(html, BASE)
    assert "onclick" not in out and "onerror" not in out
    assert "javascript" not in out.lower()
    assert "data:" not in out
    assert "steal" not in out
    assert "link" in out


def test_allowed_tags_kept():
    html = (
        "<h2>Sub</h2><h3>Sub 3</h3><p><em>e</em> <strong>s</strong> <b>b</b> <i>i</i> <code>c</code><br>x</p>"
        "<ul><li>one</li></ul><ol><li>two</li></ol><blockquote>q</blockquote><pre>pre</pre>"
        "<figure><img src='https://cdn.example.com/a.jpg' alt='A' width='640' height='480'>"
        "<figcaption>cap</figcaption></figure>"
        "<table><caption>t</caption><thead><tr><th>h</th></tr></thead><tbody><tr><td colspan='2'>d</td></tr>"
        "</tbody></table>"
    )
    out = sanitize_html(html)
    for tag in ("h2", "h3", "p", "em", "strong", "b", "i", "code", "br", "ul", "ol", "li", "blockquote", "pre",
                "figure", "figcaption", "img", "table", "caption", "thead", "tbody", "tr", "th", "td"):  # fmt: skip
        assert f"<{tag}" in out, tag
    assert 'alt="A"' in out and 'width="640"' in out and 'colspan="2"' in out


def test_disallowed_tags_unwrapped_and_attributes_dropped():
    html = '<div class="x" style="color:red"><h1 id="t">Title</h1><span data-x="1">text</span><font>f</font></div>'
    out = sanitize_html(html)
    assert "<div" not in out and "<span" not in out and "<h1" not in out and "<font" not in out
    assert "class=" not in out and "style=" not in out
    assert "Title" in out and "text" in out


def test_links_get_rel_and_absolute_urls():
    html = (
        '<p><a href="../other.html" target="_blank">rel</a> <a href="/top">top</a> <img src="img/p.png"></p>'
    )
    out = sanitize_html(html, BASE)
    assert 'href="https://news.example.com/world/other.html"' in out
    assert 'href="https://news.example.com/top"' in out
    assert 'src="https://news.example.com/world/2024/img/p.png"' in out
    assert 'rel="noopener nofollow"' in out
    assert "target" not in out


def test_protocol_relative_and_mailto():
    out = sanitize_html('<a href="//cdn.example.com/x">a</a> <a href="mailto:desk@example.com">m</a>', BASE)
    assert 'href="https://cdn.example.com/x"' in out
    assert 'href="mailto:desk@example.com"' in out


def test_bogus_dimensions_dropped():
    out = sanitize_html('<img src="https://e.com/a.jpg" width="100;background:url(x)" height="50">')
    assert "width" not in out and 'height="50"' in out


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   ",
        "<<<>>>",
        "\x00\x01\x02",
        "<p>" * 10000,
        "<div>" * 5000 + "x",
        "</p></p></div>",
        "&#0;&#xD800;",
    ],
)
def test_garbage_does_not_raise(garbage):
    assert isinstance(sanitize_html(garbage, BASE), str)
    assert isinstance(html_to_text(garbage), str)


def test_html_to_text_layout():
    html = "<h2>Head</h2><p>One <b>bold</b>\n word.</p><ul><li>a</li><li>b</li></ul><p>Line<br>break</p>"
    assert html_to_text(html) == "Head\n\nOne bold word.\n\n- a\n- b\n\nLine\nbreak"


def test_html_to_text_drops_invisible_characters_and_scripts():
    assert html_to_text("<p>Soft\u00adhyphen<script>x()</script> ok</p>") == "Softhyphen ok"


def test_html_to_text_keeps_preformatted_whitespace():
    assert html_to_text("<pre>a\n    b</pre>") == "a\n    b"


def test_text_without_captions():
    html = '<figure><img src="a.jpg"><figcaption>A pier at dawn</figcaption></figure><p>Boats left.</p>'
    assert html_to_text(html) == "A pier at dawn\n\nBoats left."
    assert html_to_text(html, captions=False) == "Boats left."
