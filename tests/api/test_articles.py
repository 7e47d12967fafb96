"""/api/articles: the list and its filters, one article as its page shows it, related coverage."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from gazette.sources.models import Source
from tests.api.conftest import TAIL
from tests.web.factories import make_article, make_source, make_summary

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


def test_list_newest_first_without_copies_or_text(client, corpus):
    response = client.get("/api/articles")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert ids(response) == [corpus.second.pk, corpus.original.pk, corpus.other.pk]
    assert body["count"] == 3 and body["next"] is None and body["previous"] is None
    first = body["items"][1]
    assert first["title"] == "Quake strikes Puerto Salinas"
    assert first["url"] == f"http://testserver/article/{corpus.original.pk}/quake-strikes-puerto-salinas/"
    assert first["original_url"] == corpus.original.url
    assert first["canonical_url"] == corpus.original.canonical_url
    assert first["source"] == {
        "id": corpus.wire.pk,
        "name": "Meridian Wire",
        "url": f"http://testserver/source/{corpus.wire.pk}/",
    }
    assert first["author"] == "Lucía Ferrer"
    assert first["teaser"].startswith("A quake struck Puerto Salinas before dawn")
    assert "content_html" not in first
    assert TAIL not in response.content.decode()


def test_list_filters(client, corpus):
    assert ids(client.get(f"/api/articles?source={corpus.ledger.pk}")) == [corpus.second.pk, corpus.other.pk]
    assert ids(client.get("/api/articles?topic=world")) == [corpus.second.pk, corpus.original.pk]
    assert ids(client.get("/api/articles?entity=puerto-salinas")) == [corpus.second.pk, corpus.original.pk]
    assert ids(client.get(f"/api/articles?story={corpus.story.pk}")) == [corpus.second.pk, corpus.original.pk]
    since = (timezone.now() - timedelta(hours=2, minutes=30)).isoformat()
    assert ids(client.get("/api/articles", {"since": since})) == [corpus.second.pk]
    until = (timezone.now() - timedelta(hours=2, minutes=30)).isoformat()
    assert ids(client.get("/api/articles", {"until": until})) == [corpus.original.pk, corpus.other.pk]
    # A date alone is midnight in the site's time zone; a name that matches nothing gives an empty list.
    assert len(ids(client.get("/api/articles?since=2000-01-01"))) == 3
    assert client.get("/api/articles?topic=nothing").json()["count"] == 0
    assert client.get("/api/articles?source=999999").json()["items"] == []


def test_list_pagination(client, db):
    source = make_source()
    made = [make_article(source, title=f"Headline {i}", ago=timedelta(minutes=i + 1)) for i in range(7)]
    first = client.get("/api/articles?limit=3").json()
    assert first["count"] == 7 and [a["title"] for a in first["items"]] == [
        "Headline 0",
        "Headline 1",
        "Headline 2",
    ]
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/articles?limit=3&offset=3"
    second = client.get(first["next"]).json()
    assert [a["id"] for a in second["items"]] == [made[3].pk, made[4].pk, made[5].pk]
    assert second["previous"] == "http://testserver/api/articles?limit=3&offset=0"
    last = client.get(second["next"]).json()
    assert [a["id"] for a in last["items"]] == [made[6].pk] and last["next"] is None
    assert client.get("/api/articles?offset=100").json()["items"] == []
    # Filters are kept in the links.
    assert "source=" in client.get(f"/api/articles?limit=1&source={source.pk}").json()["next"]


@pytest.mark.parametrize(
    "query",
    [
        "limit=101",
        "limit=0",
        "limit=abc",
        "offset=-1",
        "offset=1e9",
        "offset=99999999999999999999",
        "since=yesterday",
        "since=2026-13-45",
        "until=2026-02-30T10:00",
        "source=abc",
        "source=0",
        "story=99999999999999999999999",
        "topic=" + "x" * 101,
    ],
)
def test_list_malformed_queries_are_422(client, db, query):
    response = client.get(f"/api/articles?{query}")
    assert response.status_code == 422, query
    detail = response.json()["detail"]
    assert detail and detail[0]["loc"][0] == "query"
    assert detail[0]["msg"]


def test_out_of_range_date_is_a_clear_422(client, db):
    # Valid as written, but before year 1 in UTC: the database could not take it.
    response = client.get("/api/articles", {"since": "0001-01-01T00:00:00+10:00"})
    assert response.status_code == 422
    assert response.json() == {"detail": "since: the date is out of range"}
    assert client.get("/api/articles", {"until": "9999-12-31T23:00:00-10:00"}).status_code == 422
    assert client.get("/api/search", {"q": "a", "until": "9999-12-31T23:00:00-10:00"}).status_code == 422


@pytest.mark.parametrize(
    "value",
    [
        "22406",  # a number of no plausible kind: 06:13 on 1 January 1970 as seconds
        "20260101",  # a compact date, not seconds
        "1700000000000",  # milliseconds
        "-5",
        "1.7e9",
        "946684799",  # a second before 2000
        "{in_two_days}",
    ],
)
@pytest.mark.parametrize("path", ["/api/articles?", "/api/search?q=quake&"])
def test_implausible_unix_times_are_a_clear_422(client, db, path, value):
    value = value.format(in_two_days=int((timezone.now() + timedelta(days=2)).timestamp()))
    response = client.get(f"{path}since={value}")
    assert response.status_code == 422, value
    detail = response.json()["detail"]
    assert detail[0]["loc"] == ["query", "since"]
    assert "not a plausible time" in detail[0]["msg"] and "Unix seconds from 946684800" in detail[0]["msg"]


def test_unix_seconds_in_range_filter_like_the_same_iso_time(client, corpus):
    cut = corpus.original.published_at
    as_iso = ids(client.get("/api/articles", {"since": cut.isoformat()}))
    assert corpus.original.pk in as_iso and corpus.other.pk not in as_iso
    assert ids(client.get("/api/articles", {"since": str(int(cut.timestamp()))})) == as_iso
    assert ids(client.get("/api/articles", {"until": f"{cut.timestamp():.6f}"})) == ids(
        client.get("/api/articles", {"until": cut.isoformat()})
    )
    # The number's digits alone do not make it a time.
    assert client.get("/api/articles", {"since": str(int(cut.timestamp()))[:5]}).status_code == 422


def test_the_schema_says_which_times_are_accepted(client, db):
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/articles", "/api/search"):
        params = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        for name in ("since", "until"):
            assert "Unix seconds from 946684800 (2000-01-01) to a day from now" in params[name]["description"]
            kinds = params[name]["schema"]["anyOf"]
            assert {"type": "number", "minimum": 946684800} in kinds
            assert {"type": "string", "format": "date-time"} in kinds


def test_images_go_through_the_media_proxy_when_it_is_on(client, settings, db):
    make_article(make_source(), image_url="https://cdn.example/lead.jpg")
    assert client.get("/api/articles").json()["items"][0]["image_url"] == "https://cdn.example/lead.jpg"
    settings.GAZETTE_MEDIA_PROXY = True
    cache.clear()
    proxied = client.get("/api/articles").json()["items"][0]["image_url"]
    assert proxied.startswith("http://testserver/media-proxy/")


def test_detail_full_text_source(client, corpus):
    make_summary(corpus.original, headline_flags=["the headline says strikes, the text says struck"])
    response = client.get(f"/api/articles/{corpus.original.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["content_html"] == corpus.original.content_html and TAIL in body["content_html"]
    assert body["excerpt"] is False
    assert body["summary"]["sentences"] == ["The council approved the bridge.", "Work starts in spring."]
    assert body["summary"]["keypoints"] == ["Bridge approved", "Work starts in spring"]
    assert body["summary"]["headline_flags"] == ["the headline says strikes, the text says struck"]
    assert body["summary"]["method"] == "extractive"
    assert body["story"] == {
        "id": corpus.story.pk,
        "title": "Quake strikes Puerto Salinas",
        "url": f"http://testserver/story/{corpus.story.pk}/",
    }
    assert body["copy_of"] is None
    assert [a["id"] for a in body["also_published_by"]] == [corpus.copy.pk]
    assert body["also_published_by"][0]["source"]["name"] == "Pinewood Herald"
    assert [t["slug"] for t in body["topics"]] == ["world"]
    assert body["entities"] == [
        {
            "slug": "puerto-salinas",
            "name": "Puerto Salinas",
            "kind": "place",
            "url": "http://testserver/entity/puerto-salinas/",
        }
    ]
    assert body["published"].startswith(corpus.original.published_at.strftime("%Y-%m-%dT%H:%M"))


def test_detail_of_a_copy_from_an_excerpt_source_has_no_full_text(client, corpus):
    response = client.get(f"/api/articles/{corpus.copy.pk}")
    body = response.json()
    assert body["excerpt"] is True
    assert body["content_html"] == corpus.copy.summary
    assert TAIL not in response.content.decode()
    assert body["copy_of"]["id"] == corpus.original.pk
    assert body["copy_of"]["source"]["name"] == "Meridian Wire"
    assert [a["id"] for a in body["also_published_by"]] == [corpus.original.pk]
    assert body["summary"] is None


def test_detail_mirrors_the_article_page(client, corpus):
    """The page and the API show the same body: the text, or only the excerpt."""
    for article in (corpus.original, corpus.copy):
        page = client.get(f"/article/{article.pk}/").content.decode()
        api = client.get(f"/api/articles/{article.pk}").json()
        assert api["content_html"] in page
        assert (TAIL in page) == (TAIL in api["content_html"])


def test_detail_without_extracted_text_gives_the_teaser(client, db):
    article = make_article(
        make_source(display=Source.Display.FULL), content_html=" ", summary="<p>Teaser.</p>"
    )
    body = client.get(f"/api/articles/{article.pk}").json()
    assert body["excerpt"] is True and body["content_html"] == "<p>Teaser.</p>"


def test_detail_not_found_and_bad_ids(client, db):
    missing = client.get("/api/articles/123456")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not Found"}
    for bad in ("abc", "0", "-3", "99999999999999999999999", "1.5"):
        response = client.get(f"/api/articles/{bad}")
        assert response.status_code in (404, 422), bad
        assert "detail" in response.json()


def test_related_other_publishers_without_copies(client, corpus):
    response = client.get(f"/api/articles/{corpus.original.pk}/related")
    assert response.status_code == 200
    items = response.json()["items"]
    # The story's other outlet; the copy is listed under also_published_by instead.
    assert [a["id"] for a in items] == [corpus.second.pk]
    assert items[0]["source"]["name"] == "The Harbor Ledger"
    assert TAIL not in response.content.decode()
    copy_related = client.get(f"/api/articles/{corpus.copy.pk}/related").json()["items"]
    assert corpus.original.pk not in [a["id"] for a in copy_related]


def test_related_limit_is_capped(client, corpus):
    assert client.get(f"/api/articles/{corpus.original.pk}/related?limit=11").status_code == 422
    assert client.get(f"/api/articles/{corpus.original.pk}/related?limit=1").status_code == 200
    assert client.get("/api/articles/987654/related").status_code == 404
