"""Pages, JSON and feeds come back gzip-compressed to a client that asks, and decode to the same answer."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from gazette.ops.compression import content_type_compressible
from tests.web.factories import make_article, make_source, make_story

pytestmark = pytest.mark.django_db

# The CSRF token is masked anew for every response (the point of it, see gazette/ops/compression.py).
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def article():
    source = make_source("The Harbor Ledger")
    first = make_article(source, title="Harbour bridge approved after a long debate", body="Bridge. " * 400)
    second = make_article(make_source("Meridian Wire"), title="Council backs the harbour bridge")
    make_story([first, second])
    return first


def same_page(body: bytes) -> bytes:
    return TOKEN.sub(b"token", body)


@pytest.mark.parametrize(
    "url", ["/", "/article/{id}/", "/api/articles", "/api/articles/{id}", "/feeds/latest.rss"]
)
def test_text_answers_are_compressed_and_decode_to_the_same_answer(client, article, url):
    url = url.format(id=article.pk)
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert len(packed.content) < len(plain.content)
    assert int(packed["Content-Length"]) == len(packed.content)
    assert same_page(gzip.decompress(packed.content)) == same_page(plain.content)


def test_a_compressed_api_answer_is_the_same_json(client, article):
    packed = client.get(f"/api/articles/{article.pk}", HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.content))["title"] == article.title


def test_a_compressed_page_still_answers_304_to_its_etag(client, article):
    client.get(f"/article/{article.pk}/")  # hands out the CSRF cookie, which the page's ETag depends on
    first = client.get(f"/article/{article.pk}/", HTTP_ACCEPT_ENCODING="gzip")
    assert first["ETag"].startswith('W/"')  # the same ETag for two encodings is a weak one (RFC 9110)
    again = client.get(
        f"/article/{article.pk}/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert again.status_code == 304


def test_a_form_page_gets_a_new_masked_token_in_each_compressed_answer(client, article):
    """What makes compressing token-carrying pages safe: the token's bytes differ every time."""
    tokens = set()
    for _ in range(3):
        page = gzip.decompress(client.get("/accounts/login/", HTTP_ACCEPT_ENCODING="gzip").content)
        tokens.update(TOKEN.findall(page))
    assert len(tokens) == 3


@pytest.mark.parametrize(
    ("content_type", "compressible"),
    [
        ("text/html; charset=utf-8", True),
        ("application/json", True),
        ("application/rss+xml; charset=utf-8", True),
        ("application/atom+xml", True),
        ("text/plain; version=0.0.4", True),
        ("image/png", False),
        ("image/webp", False),
        ("application/octet-stream", False),
        ("", False),
    ],
)
def test_only_text_is_worth_compressing(content_type, compressible):
    assert content_type_compressible(content_type) is compressible
