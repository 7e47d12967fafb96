"""The API as a whole: its OpenAPI schema, the offline docs page, errors, methods and caching."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.test import Client

from gazette.api.schemas import Error, Invalid
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
# A reader's own: each method of each path, and whether it changes anything.
READER_OPERATIONS = {
    ("/api/me", "get"),
    ("/api/me/tokens", "get"),
    ("/api/me/tokens/{pk}", "delete"),
    ("/api/me/follows", "get"),
    ("/api/me/follows/{kind}/{key}", "put"),
    ("/api/me/follows/{kind}/{key}", "delete"),
    ("/api/me/saved", "get"),
    ("/api/me/saved/{pk}", "put"),
    ("/api/me/saved/{pk}", "delete"),
    ("/api/me/unread", "get"),
    ("/api/me/unread-counts", "get"),
    ("/api/me/for-you", "get"),
    ("/api/me/read/{pk}", "put"),
    ("/api/me/read/{pk}", "delete"),
    ("/api/me/read", "post"),
    ("/api/articles/{pk}/comments", "post"),
}


def test_openapi_schema_lists_every_path_public_ones_read_only(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Gazette API"
    assert set(schema["paths"]) == PATHS | {path for path, _ in READER_OPERATIONS}
    for path in PATHS:
        assert list(schema["paths"][path]) == ["get"], path
        assert "security" not in schema["paths"][path]["get"], path
    reader_operations = {
        (path, method)
        for path, operations in schema["paths"].items()
        for method in operations
        if path not in PATHS
    }
    assert reader_operations == READER_OPERATIONS
    limit = next(p for p in schema["paths"]["/api/articles"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 100


def test_the_schema_declares_how_a_reader_authenticates_and_the_errors(client):
    schema = client.get("/api/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["ReaderSession"]["in"] == "cookie"
    for path, method in READER_OPERATIONS:
        operation = schema["paths"][path][method]
        assert operation["security"] == [{"TokenAuth": []}, {"ReaderSession": []}], (path, method)
        responses = operation["responses"]
        assert _component(schema, responses["401"]) == "Error", (path, method)
        assert "304" not in responses, (path, method)  # never cached, so never a 304
        if method != "get":
            assert _component(schema, responses["403"]) == "Error", (path, method)  # CSRF, with a session
        if "{" in path:
            assert _component(schema, responses["404"]) == "Error", (path, method)
            assert _component(schema, responses["422"]) == "Invalid", (path, method)
    comments = schema["paths"]["/api/articles/{pk}/comments"]["post"]["responses"]
    assert _component(schema, comments["429"]) == "Error"
    assert _component(schema, comments["400"]) == "Error"  # a body that is not JSON
    limit = next(p for p in schema["paths"]["/api/articles"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 100


# A request each operation refuses for a bad value, as a client could send it.
REFUSED = {
    "/api/articles": "/api/articles?limit=0",
    "/api/articles/{pk}": "/api/articles/0",
    "/api/articles/{pk}/related": "/api/articles/1/related?limit=99",
    "/api/stories": "/api/stories?order=best",
    "/api/stories/{pk}": "/api/stories/abc",
    "/api/sources": "/api/sources?offset=-1",
    "/api/sources/{pk}": "/api/sources/99999999999999999999",
    "/api/topics": "/api/topics?limit=abc",
    "/api/entities": "/api/entities?kind=" + "k" * 17,
    "/api/search": "/api/search",
}


def _component(schema: dict, response: dict) -> str:
    ref = response["content"]["application/json"]["schema"]["$ref"]
    return ref.removeprefix("#/components/schemas/")


def test_the_schema_declares_the_errors_and_304s_each_operation_answers(client):
    schema = client.get("/api/openapi.json").json()
    for path in PATHS:
        operations = schema["paths"][path]
        responses = operations["get"]["responses"]
        assert "304" in responses and "content" not in responses["304"], path  # every answer has an ETag
        if "{" in path:
            assert _component(schema, responses["404"]) == "Error", path
            assert client.get(path.replace("{pk}", "999999").replace("{slug}", "none")).status_code == 404
        if path in REFUSED:
            assert _component(schema, responses["422"]) == "Invalid", path
            refused = client.get(REFUSED[path])
            assert refused.status_code == 422, path
            Invalid.model_validate(refused.json(), strict=True)  # the body is what the schema says
        else:
            assert "422" not in responses, path  # a slug is any text: nothing to refuse
    assert set(REFUSED) | {"/api/topics/{slug}", "/api/entities/{slug}"} == PATHS
    problem = schema["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "loc", "msg"}
    # The other 422: a value that passes its check but that the database cannot hold.
    out_of_range = client.get("/api/articles?since=0001-01-01T00:00:00%2B10:00")
    assert out_of_range.status_code == 422
    Invalid.model_validate(out_of_range.json(), strict=True)
    Error.model_validate(client.get("/api/articles/999999").json(), strict=True)


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


def test_public_operations_are_read_only_and_need_no_csrf(corpus):
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
