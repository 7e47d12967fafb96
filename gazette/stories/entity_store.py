"""Entity rows: an article's mentions saved as links to Entity rows, with aliases folded across articles.

An article that says only "Voltaris" is linked to Voltaris Motors when that is the one stored entity the
name abbreviates by one word (its first words, for an organisation or other name; its last words, for
a person), so following the company finds every article about it. When the full name arrives after the short one, the
short entity is merged into it: its article links and its followers move over and it is deleted. A name
several entities extend ("Pinewood": Pinewood Herald, Pinewood General Hospital) and a place's name are
never folded. `entities_rebuild` runs the recogniser again over stored articles (the
`gazette reenrich` command), for an upgrade of the recogniser or a model of one's own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from gazette.articles.models import Article
from gazette.stories.entities import Mention, entities_cache_clear, entities_extract, has_org_head
from gazette.stories.models import ArticleEntity, Entity

log = logging.getLogger(__name__)

SLUG_MAX = 200
FOLDABLE_KINDS = ("org", "other")  # kinds whose short name is their first words ("Voltaris")


def entity_slug(name: str) -> str:
    """The key of an entity's row and page."""
    return slugify(name)[:SLUG_MAX]


def article_entities_save(article: Article, mentions: list[Mention]) -> None:
    """Link the article to an entity row per mention, folding aliases into stored entities."""
    merged: dict[str, Mention] = {}
    for mention in mentions:
        slug = entity_slug(mention.name)
        if not slug:
            continue
        owner = entity_alias_find(mention)
        if owner is not None:
            slug, mention = owner.slug, Mention(owner.name, owner.kind, mention.count)
        if slug in merged:
            mention = Mention(mention.name, mention.kind, mention.count + merged[slug].count)
        merged[slug] = mention
    if not merged:
        return
    # Names an operator merged into another entity are linked to that one.
    aliases = {
        e.slug: e.merged_into
        for e in Entity.objects.filter(slug__in=list(merged), merged_into__isnull=False).select_related(
            "merged_into"
        )
    }
    for slug, target in aliases.items():
        if target is not None:
            m = merged.pop(slug)
            count = m.count + (merged[target.slug].count if target.slug in merged else 0)
            merged[target.slug] = Mention(target.name, target.kind, count)
    existing = set(Entity.objects.filter(slug__in=list(merged)).values_list("slug", flat=True))
    Entity.objects.bulk_create(
        [Entity(slug=slug, name=m.name[:200], kind=m.kind[:16]) for slug, m in merged.items()],
        ignore_conflicts=True,
    )
    entities = {e.slug: e for e in Entity.objects.filter(slug__in=list(merged))}
    ArticleEntity.objects.bulk_create(
        [ArticleEntity(article=article, entity=entities[s], mentions=m.count) for s, m in merged.items()],
        ignore_conflicts=True,
    )
    for slug in set(merged) - existing:
        _fold_short_into(entities[slug])


def article_names_find(*, article_ids: list[int]) -> dict[str, str]:
    """The names of the entities linked to these articles, each with its kind (person, org, place, other)."""
    return dict(
        ArticleEntity.objects.filter(article_id__in=article_ids)
        .order_by("entity__name")
        .values_list("entity__name", "entity__kind")
    )


def entity_alias_find(mention: Mention) -> Entity | None:
    """The one stored entity a shorter name stands for, or None."""
    if mention.kind == "place":
        return None
    if Entity.objects.filter(slug=entity_slug(mention.name)).exists():
        return None  # a name with a row of its own stays itself
    return _one_extending(mention.name)


def _one_extending(name: str) -> Entity | None:
    """The stored entity whose name is `name` and one word more, the way an alias is shortened
    ("Voltaris" of "Voltaris Motors", "Okonjo" of "Diane Okonjo"), or None. An organisation wins over a
    product of its name, and among organisations the one named like a company or a body ("Voltaris
    Motors", not the model "Voltaris Terra"); a name that people and organisations both extend, or two
    such bodies ("Northbridge FC", "Northbridge Supporters' Trust"), is nobody's alias."""
    found = list(
        Entity.objects.filter(
            Q(name__startswith=name + " ", kind__in=FOLDABLE_KINDS)
            | Q(name__endswith=" " + name, kind="person"),
            merged_into__isnull=True,
        )[:50]
    )
    people = [e for e in found if e.kind == "person"]
    orgs = [e for e in found if e.kind == "org"]
    if people and orgs:
        return None
    if len(orgs) > 1:
        orgs = [e for e in orgs if has_org_head(e.name)]  # the carmaker, not a model sold under its name
    group = people or orgs or found
    if len(group) != 1 or len(group[0].name.split()) != len(name.split()) + 1:
        return None
    return group[0]


def _fold_short_into(full: Entity) -> None:
    """Merge the stored entity that abbreviates a newly stored full name, where only it extends it."""
    words = full.name.split()
    if len(words) < 2 or full.kind == "place":
        return
    short_name = " ".join(words[:-1]) if full.kind in FOLDABLE_KINDS else " ".join(words[1:])
    short = (
        Entity.objects.filter(slug=entity_slug(short_name), merged_into__isnull=True)
        .exclude(kind="place")
        .first()
    )
    if short is not None and _one_extending(short.name) == full:
        entity_merge(short, into=full)


def entity_merge(entity: Entity, *, into: Entity, keep_alias: bool = False) -> None:
    """Move an entity's article links and followers to another entity, then delete it, or, with
    `keep_alias` (an operator's merge), keep its row as an alias of the other: its page leads there and
    articles naming it again are linked there."""
    from gazette.accounts.models import Follow

    with transaction.atomic():
        for link in ArticleEntity.objects.filter(entity=entity):
            target = ArticleEntity.objects.filter(article_id=link.article_id, entity=into).first()
            if target is None:
                link.entity = into
                link.save(update_fields=["entity"])
            else:
                target.mentions += link.mentions
                target.save(update_fields=["mentions"])
                link.delete()
        followers = Follow.objects.filter(entity=into).values_list("user_id", flat=True)
        Follow.objects.filter(entity=entity, user_id__in=list(followers)).delete()
        Follow.objects.filter(entity=entity).update(entity=into)
        if keep_alias:
            Entity.objects.filter(merged_into=entity).update(merged_into=into)
            Entity.objects.filter(pk=entity.pk).update(merged_into=into)
            Entity.objects.filter(pk=into.pk, merged_into=entity).update(merged_into=None)
        else:
            Entity.objects.filter(merged_into=entity).update(merged_into=into)
            entity.delete()
    log.info("enrich: entity %r folded into %r", entity.name, into.name)


def entities_rebuild(
    *, limit: int | None = None, per_article: int = 12, progress: Callable[..., Any] | None = None
) -> dict[str, int]:
    """Find every stored article's entities again. Entity rows nobody follows are deleted first (their
    pages come back when an article names them); returns counts."""
    from gazette.accounts.models import Follow

    entities_cache_clear()
    # Start from no links, so that no entity of the old rows is taken for a full name.
    ArticleEntity.objects.all().delete()
    followed = Follow.objects.filter(entity__isnull=False).values_list("entity_id", flat=True)
    deleted, _ = Entity.objects.exclude(pk__in=list(followed)).delete()
    qs = Article.objects.order_by("id").only("id", "title", "content_text")
    if limit:
        qs = qs[:limit]
    articles = list(qs)
    bar = progress(len(articles), "entities") if progress else None
    for article in articles:
        mentions = entities_extract(article.title, article.content_text)[:per_article]
        with transaction.atomic():
            ArticleEntity.objects.filter(article=article).delete()
            article_entities_save(article, mentions)
        if bar:
            bar.update()
    if bar:
        bar.close()
    return {
        "articles": len(articles),
        "entities": Entity.objects.count(),
        "links": ArticleEntity.objects.count(),
        "deleted": deleted,
    }
