"""Stories, topics and entities fixed by hand in the admin, as a staff member: hide junk, merge what is
one, and the reader site, the API, the feeds and the story engine all agree afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.test import Client

from gazette.accounts.models import Follow
from gazette.stories import engine as story_engine
from gazette.stories.engine import engine_reset
from gazette.stories.enrich import articles_enrich
from gazette.stories.entities import Mention
from gazette.stories.entity_store import article_entities_save
from gazette.stories.models import ArticleEntity, ArticleTopic, EngineState, Entity, Story, StoryMember
from tests.stories.test_engine import MERGER, QUAKE_A, QUAKE_A2, QUAKE_B, ingest
from tests.web.conftest import _web_settings  # noqa: F401 — plain static files and a fresh cache per test
from tests.web.factories import make_article, make_entity, make_source, make_story, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> Client:
    user = User.objects.create_user("stella", password="x-staff-password-1", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="stories"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def engine_settings(settings):
    settings.GAZETTE_EMBEDDINGS = False
    engine_reset()
    yield settings
    engine_reset()


def act(client: Client, model: str, action: str, rows: list, **extra) -> None:
    data = {"action": action, "_selected_action": [r.pk for r in rows], **extra}
    response = client.post(f"/admin/stories/{model}/", data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    cache.clear()  # rendered pages are kept for a minute; the change shows after that


def test_the_lists_search_and_filter(staff):
    quake = make_story(
        [make_article(title="Quake strikes Puerto Salinas")], title="Quake strikes Puerto Salinas"
    )
    make_story(
        [make_article(title="Bridge vote splits council")], title="Bridge vote splits council", hidden=True
    )
    make_topic("world", "World")
    make_entity("Puerto Salinas")
    found = staff.get("/admin/stories/story/", {"q": "Salinas"}).content.decode()
    assert "Quake strikes Puerto Salinas" in found and "Bridge vote" not in found
    hidden = staff.get("/admin/stories/story/", {"hidden__exact": "1"}).content.decode()
    assert "Bridge vote splits council" in hidden and "Quake strikes" not in hidden
    assert staff.get(f"/admin/stories/story/{quake.pk}/change/").status_code == 200
    assert "World" in staff.get("/admin/stories/topic/", {"q": "wor"}).content.decode()
    assert "Puerto Salinas" in staff.get("/admin/stories/entity/", {"kind": "place"}).content.decode()
    assert Client().get("/admin/stories/story/").status_code == 302  # signed out: to the login


def test_a_hidden_story_leaves_the_site_the_api_and_the_feeds(staff, client):
    articles = [make_article(make_source(f"Outlet {n}"), title=f"Junk promo {n}") for n in range(2)]
    story = make_story(articles, title="Junk promo")
    assert f'href="/story/{story.pk}/"' in client.get("/stories/").content.decode()
    act(staff, "story", "hide", [story])
    story.refresh_from_db()
    assert story.hidden
    assert f'href="/story/{story.pk}/"' not in client.get("/stories/").content.decode()
    assert client.get(f"/story/{story.pk}/").status_code == 404
    assert client.get(f"/api/stories/{story.pk}").status_code == 404
    assert story.pk not in [s["id"] for s in client.get("/api/stories").json()["items"]]
    assert client.get(f"/feeds/story/{story.pk}.rss").status_code == 404
    article = client.get(f"/api/articles/{articles[0].pk}").json()
    assert article["story"] is None  # the article stays, without its hidden story
    act(staff, "story", "unhide", [story])
    assert client.get(f"/story/{story.pk}/").status_code == 200


def test_hidden_topics_and_entities_leave_the_site_the_api_and_the_feeds(staff, client):
    topic, entity = make_topic("gossip", "Gossip"), make_entity("Spam Brand", kind="org")
    article = make_article(title="Spam Brand launches a thing")
    ArticleTopic.objects.create(article=article, topic=topic, score=1.0)
    ArticleEntity.objects.create(article=article, entity=entity)
    act(staff, "topic", "hide", [topic])
    act(staff, "entity", "hide", [entity])
    assert client.get("/topic/gossip/").status_code == 404
    assert client.get("/entity/spam-brand/").status_code == 404
    assert client.get("/feeds/topic/gossip.rss").status_code == 404
    assert client.get("/feeds/entity/spam-brand.rss").status_code == 404
    assert client.get("/api/topics/gossip").status_code == 404
    assert "spam-brand" not in client.get("/api/entities").content.decode()
    detail = client.get(f"/api/articles/{article.pk}").json()
    assert detail["topics"] == [] and detail["entities"] == []
    assert 'href="/entity/spam-brand/"' not in client.get(f"/article/{article.pk}/").content.decode()


def _three_stories():
    wire, ledger, courier = make_source("Wire"), make_source("Ledger"), make_source("Courier")
    a = make_article(
        wire, title="Magnitude 6.4 quake strikes near Puerto Salinas", body=QUAKE_A, ago=timedelta(hours=5)
    )
    b = make_article(courier, title="Quake flattens houses in Karadere", body=QUAKE_B, ago=timedelta(hours=4))
    c = make_article(
        ledger, title="Fairfield and Corbel agree $14.2bn merger", body=MERGER, ago=timedelta(hours=3)
    )
    ingest(a.pk, b.pk, c.pk)
    stories = [StoryMember.objects.get(article=x).story for x in (a, b, c)]
    assert len({s.pk for s in stories}) == 3
    return (a, b, c), stories


def test_merging_stories_is_kept_by_the_story_engine(staff, client, engine_settings):
    (a, b, c), (quake, karadere, merger) = _three_stories()
    version = EngineState.objects.get().version
    act(staff, "story", "merge", [quake, karadere])  # into the oldest: the Puerto Salinas story
    quake.refresh_from_db()
    karadere.refresh_from_db()
    assert karadere.merged_into == quake and karadere.article_count == 0
    assert quake.article_count == 2 and quake.source_count == 2
    assert set(quake.members.values_list("article_id", flat=True)) == {a.pk, b.pk}
    assert EngineState.objects.get().version == version + 1  # saved with the state, as a batch is
    response = client.get(f"/story/{karadere.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/story/{quake.pk}/"
    assert client.get(f"/api/stories/{karadere.pk}").status_code == 302

    # A restarted worker continues from the merged state: the next article about Karadere joins the
    # merged story's row, which keeps both, and nothing is split off again.
    engine_reset()
    follow_up = make_article(
        make_source("Gazette of Turkey"),
        title="Karadere villagers spend a second night in tents",
        body=QUAKE_B.replace("Wednesday", "Thursday"),
        ago=timedelta(hours=1),
    )
    ingest(follow_up.pk)
    quake.refresh_from_db()
    merger.refresh_from_db()
    assert StoryMember.objects.get(article=follow_up).story_id == quake.pk
    assert set(quake.members.values_list("article_id", flat=True)) == {a.pk, b.pk, follow_up.pk}
    assert quake.article_count == 3 and quake.merged_into is None
    assert merger.article_count == 1 and merger.merged_into is None
    assert Story.objects.get(pk=karadere.pk).merged_into_id == quake.pk
    clusterer = story_engine.StoryEngine.load(index=False).clusterer
    assert len({clusterer.story_id(str(x.pk)) for x in (a, b, follow_up)}) == 1


def test_merging_into_the_story_chosen(staff, engine_settings):
    (a, b, c), (quake, karadere, merger) = _three_stories()
    act(staff, "story", "merge", [quake, karadere, merger], into=str(merger.pk))
    merger.refresh_from_db()
    assert merger.article_count == 3
    assert set(Story.objects.filter(merged_into=merger).values_list("pk", flat=True)) == {
        quake.pk,
        karadere.pk,
    }
    assert [s.pk for s in Story.objects.listed()] == [merger.pk]


def test_merging_needs_two_and_a_chosen_id_among_them(staff, engine_settings):
    (a, b, c), (quake, karadere, merger) = _three_stories()
    act(staff, "story", "merge", [quake])
    act(staff, "story", "merge", [quake, karadere], into="999999")
    assert not Story.objects.filter(merged_into__isnull=False).exists()


def test_merging_entities_moves_links_and_follows_and_keeps_the_alias(staff, client):
    full, short = make_entity("Voltaris Motors", kind="org"), make_entity("Voltaris Auto", kind="org")
    one, two = make_article(title="Voltaris Motors recalls cars"), make_article(title="Voltaris Auto profits")
    ArticleEntity.objects.create(article=one, entity=full, mentions=2)
    ArticleEntity.objects.create(article=two, entity=short, mentions=1)
    ArticleEntity.objects.create(article=one, entity=short, mentions=1)
    fan = User.objects.create_user("fan", password="x-fan-password-1")
    Follow.objects.create(user=fan, entity=short)
    act(staff, "entity", "merge", [full, short])  # into the oldest: Voltaris Motors
    assert set(ArticleEntity.objects.filter(entity=full).values_list("article_id", "mentions")) == {
        (one.pk, 3),
        (two.pk, 1),
    }
    assert not ArticleEntity.objects.filter(entity=short).exists()
    assert Follow.objects.get(user=fan).entity == full
    short.refresh_from_db()
    assert short.merged_into == full  # the alias is kept
    response = client.get("/entity/voltaris-auto/")
    assert response.status_code == 302 and response["Location"] == "/entity/voltaris-motors/"
    assert [e["slug"] for e in client.get("/api/entities").json()["items"]] == ["voltaris-motors"]
    # An article naming the alias again is linked to the survivor, not to a new row.
    three = make_article(title="Voltaris Auto opens a plant")
    article_entities_save(three, [Mention("Voltaris Auto", "org", 2)])
    assert list(ArticleEntity.objects.filter(article=three).values_list("entity_id", "mentions")) == [
        (full.pk, 2)
    ]
    assert Entity.objects.filter(slug="voltaris-auto").count() == 1


def test_merging_topics_moves_labels_and_follows_and_keeps_the_slug(staff, client, engine_settings):
    # The taxonomy's World merged into a topic of the operator's: World's address and labels lead there.
    world, globe = make_topic("world", "World"), make_topic("globe", "Globe")
    both, only = make_article(title="Summit opens"), make_article(title="Talks stall")
    ArticleTopic.objects.create(article=both, topic=world, score=0.9)
    ArticleTopic.objects.create(article=both, topic=globe, score=0.4)
    ArticleTopic.objects.create(article=only, topic=world, score=0.5)
    reader, fan = (User.objects.create_user(n, password="x-password-1") for n in ("reader", "fan"))
    Follow.objects.create(user=reader, topic=world)
    Follow.objects.create(user=reader, topic=globe)
    Follow.objects.create(user=fan, topic=world)
    act(staff, "topic", "merge", [world, globe], into=str(globe.pk))
    assert set(ArticleTopic.objects.filter(topic=globe).values_list("article_id", "score")) == {
        (both.pk, 0.9),
        (only.pk, 0.5),
    }
    assert not ArticleTopic.objects.filter(topic=world).exists()
    assert set(Follow.objects.filter(topic=globe).values_list("user__username", flat=True)) == {
        "reader",
        "fan",
    }
    assert not Follow.objects.filter(topic=world).exists()
    response = client.get("/topic/world/")
    assert response.status_code == 302 and response["Location"] == "/topic/globe/"
    assert "world" not in [t["slug"] for t in client.get("/api/topics?limit=100").json()["items"]]
    # The labeller files what it calls World under the survivor.
    quake = make_article(title="Magnitude 6.4 quake strikes near Puerto Salinas", body=QUAKE_A2)
    articles_enrich([quake.pk])
    labels = set(ArticleTopic.objects.filter(article=quake).values_list("topic__slug", flat=True))
    assert "globe" in labels and "world" not in labels
