"""Entity rows: aliases folded across articles, followers moved with them, and the rebuild of old rows."""

from __future__ import annotations

import pytest

from gazette.accounts.follows import follow_add, following_articles
from gazette.accounts.models import Follow
from gazette.stories.enrich import articles_enrich
from gazette.stories.entities import Mention
from gazette.stories.entity_store import article_entities_save, article_names_find, entities_rebuild
from gazette.stories.models import ArticleEntity, Entity
from tests.web.factories import make_article, make_entity

pytestmark = pytest.mark.django_db

FULL = (
    "Voltaris Motors recalls 310,000 SUVs",
    "Voltaris Motors has recalled 310,000 of its Terra family cars.",
)
SHORT = (
    "Voltaris recall: what owners should do",
    "Voltaris insists the risk is low and says nobody has been killed. Owners of Voltaris cars will get "
    "a software download.",
)


def linked(article) -> dict[str, int]:
    return dict(ArticleEntity.objects.filter(article=article).values_list("entity__slug", "mentions"))


def test_a_short_name_in_a_later_article_is_the_company_stored_before():
    full = make_article(title=FULL[0], body=FULL[1])
    short = make_article(title=SHORT[0], body=SHORT[1])
    articles_enrich([full.pk])
    articles_enrich([short.pk])
    assert linked(short)["voltaris-motors"] == 3
    assert not Entity.objects.filter(slug="voltaris").exists()
    assert Entity.objects.get(slug="voltaris-motors").kind == "org"


def test_a_full_name_arriving_later_takes_over_the_short_entity_and_its_followers(django_user_model):
    short = make_article(title=SHORT[0], body=SHORT[1])
    full = make_article(title=FULL[0], body=FULL[1])
    articles_enrich([short.pk])
    reader = django_user_model.objects.create_user("reader", password="pw-12345678")
    follow_add(user=reader, target=Entity.objects.get(slug="voltaris"))

    articles_enrich([full.pk])

    company = Entity.objects.get(slug="voltaris-motors")
    assert not Entity.objects.filter(slug="voltaris").exists()
    assert linked(short) == {"voltaris-motors": 3}
    assert Follow.objects.filter(user=reader, entity=company).count() == 1
    # following the company finds both articles
    assert set(following_articles(user=reader)) == {short, full}


def test_a_name_several_entities_extend_stays_itself():
    make_entity("Pinewood Herald", kind="org")
    make_entity("Pinewood General Hospital", kind="org")
    article = make_article()
    article_entities_save(article, [Mention("Pinewood", "org", 2)])
    assert linked(article) == {"pinewood": 2}


def test_a_surname_is_the_one_person_who_has_it_and_places_never_fold():
    make_entity("Diane Okonjo", kind="person")
    make_entity("Puerto Salinas Port Authority", kind="org")
    article = make_article()
    article_entities_save(article, [Mention("Okonjo", "person", 2), Mention("Puerto Salinas", "place", 1)])
    assert linked(article) == {"diane-okonjo": 2, "puerto-salinas": 1}


def test_a_name_with_a_row_of_its_own_is_not_folded_into_a_longer_one():
    make_entity("Riverside", kind="place")
    make_entity("Riverside Athletic", kind="org")
    article = make_article()
    article_entities_save(article, [Mention("Riverside", "org", 1)])
    assert linked(article) == {"riverside": 1}


def test_rebuild_replaces_old_rows_and_carries_followers_over(django_user_model):
    article = make_article(title=FULL[0], body=FULL[1])
    junk = make_entity("SUVs", kind="person")
    followed_junk = make_entity("Voltaris", kind="person")  # the old rules' guess
    ArticleEntity.objects.create(article=article, entity=junk, mentions=1)
    ArticleEntity.objects.create(article=article, entity=followed_junk, mentions=1)
    reader = django_user_model.objects.create_user("reader", password="pw-12345678")
    follow_add(user=reader, target=followed_junk)

    counts = entities_rebuild()

    assert counts["articles"] == 1 and counts["deleted"] == 1
    assert not Entity.objects.filter(slug="suvs").exists()
    assert "voltaris-motors" in linked(article) and "suvs" not in linked(article)
    # the followed row was kept for its follower, then folded into the company the article names
    assert not Entity.objects.filter(slug="voltaris").exists()
    assert Follow.objects.filter(user=reader, entity__slug="voltaris-motors").exists()


def test_rebuild_keeps_a_followed_entity_no_article_names(django_user_model):
    make_article(title=FULL[0], body=FULL[1])
    reader = django_user_model.objects.create_user("reader", password="pw-12345678")
    follow_add(user=reader, target=make_entity("Ah", kind="person"))
    entities_rebuild()
    assert Follow.objects.filter(user=reader, entity__slug="ah").exists()


def test_the_company_wins_over_a_product_of_its_name_but_two_bodies_are_ambiguous():
    make_entity("Voltaris Motors", kind="org")
    make_entity("Voltaris Terra", kind="org")  # the model sometimes calls the car an organisation
    make_entity("Northbridge FC", kind="org")
    make_entity("Northbridge Supporters' Trust", kind="org")
    article = make_article()
    article_entities_save(article, [Mention("Voltaris", "org", 2), Mention("Northbridge", "org", 1)])
    assert linked(article) == {"voltaris-motors": 2, "northbridge": 1}


def test_a_longer_name_is_another_body_not_the_full_name():
    make_entity("Northbridge Supporters' Trust", kind="org")
    article = make_article()
    article_entities_save(article, [Mention("Northbridge", "org", 1)])
    assert linked(article) == {"northbridge": 1}
    # and the club's row is not folded into the trust when the trust is named later
    other = make_article()
    article_entities_save(other, [Mention("Northbridge Supporters' Trust", "org", 1)])
    assert Entity.objects.filter(slug="northbridge").exists()


def test_article_names_are_the_linked_entities_with_their_kinds():
    first = make_article(title="One", body="One.")
    second = make_article(title="Two", body="Two.")
    other = make_article(title="Three", body="Three.")
    article_entities_save(first, [Mention("Philippa Vance", "person", 2), Mention("Sydney", "place", 1)])
    article_entities_save(second, [Mention("Reserve Bank of Australia", "org", 1)])
    article_entities_save(other, [Mention("Tesla", "org", 1)])
    assert article_names_find(article_ids=[first.pk, second.pk]) == {
        "Philippa Vance": "person",
        "Reserve Bank of Australia": "org",
        "Sydney": "place",
    }
    assert article_names_find(article_ids=[]) == {}
