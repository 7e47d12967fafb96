"""The API as a whole: its OpenAPI schema, the offline docs page, errors, methods and caching."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.test import Client

from tests.web.factories import make_article

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/articles",
    "/api/articles/{pk}",
    "/api/articles/{pk}/related",
    "/api/stories",
    "/api/stories/{pk}",
    "/api/sources",
    "/api/sources/{pk}",
    "/api/topics",
    "/api/topics/{slug}",
    "/api/entities",
    "/api/entities/{slug}",
    "/api/search",
}


def test_openapi_schema_lists_every_path_read_only(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Gazette API"
    assert set(schema["paths"]) == PATHS
    for path, operations in schema["paths"].items():
        assert list(operations) == ["get"], path
    limit = next(p for p in schema["paths"]["/api/articles"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 100


def test_docs_page_loads_nothing_from_other_hosts(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, html
    for url in assets:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), url
    assert not re.search(r"https?://|//cdn", html)
    # Swagger UI's validator badge is an image from a third-party host unless switched off.
    settings = json.loads(re.search(r'id="swagger-settings">(.*?)</script>', html, re.S).group(1))
    assert settings["validatorUrl"] is None
    assert settings["url"] == "/api/openapi.json"


def test_index_links_schema_docs_and_lists(client):
    body = client.get("/api/").json()
    assert body["openapi"] == "http://testserver/api/openapi.json"
    assert body["docs"] == "http://testserver/api/docs"
    assert body["articles"] == "http://testserver/api/articles"
    for name, url in body.items():
        assert (
            client.get(
                url.removeprefix("http://testserver") + ("?q=a" if name == "search" else "")
            ).status_code
            == 200
        )


def test_unknown_api_paths_answer_json(client):
    for path in ("/api/nothing", "/api/articles/", "/api/articles/1/nothing"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not Found"}


def test_read_only_and_no_csrf_needed(corpus):
    client = Client(enforce_csrf_checks=True)
    assert client.get("/api/articles").status_code == 200
    for method in (client.post, client.put, client.delete, client.patch):
        assert method("/api/articles").status_code == 405
        assert method(f"/api/articles/{corpus.original.pk}").status_code == 405


def test_cache_headers_and_conditional_get(client, corpus):
    response = client.get("/api/articles")
    assert "public" in response["Cache-Control"] and "max-age=30" in response["Cache-Control"]
    etag = response["ETag"]
    again = client.get("/api/articles", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    # Another page of the list, or another article, is another resource.
    assert client.get("/api/articles?offset=1", HTTP_IF_NONE_MATCH=etag).status_code == 200
    detail = client.get(f"/api/articles/{corpus.original.pk}")
    assert detail["ETag"] != etag
    # Errors are not cached.
    assert "public" not in client.get("/api/articles?limit=0").get("Cache-Control", "")


def test_etag_changes_when_an_article_arrives(client, corpus):
    etag = client.get("/api/articles")["ETag"]
    make_article(corpus.wire, title="A newer headline")
    cache.clear()  # the newest id is remembered for two seconds
    assert client.get("/api/articles", HTTP_IF_NONE_MATCH=etag).status_code == 200
