"""Labels a reader puts on articles from a reader app: their own, seen by no one else."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from gazette.accounts.models import LABEL_MAX_CHARS, ItemLabel
from gazette.articles.models import Article

# Plenty for folders of one's own; past it a client is looping, not a reader sorting articles.
LABEL_NAMES_MAX = 200


class LabelError(ValueError):
    """A label name that cannot be stored, or one label too many: the message says which."""


def label_name_clean(raw: str) -> str:
    """The name as stored: trimmed, 1 to LABEL_MAX_CHARS characters, no control characters."""
    name = raw.strip()
    if not name or len(name) > LABEL_MAX_CHARS:
        raise LabelError(f"a label has 1 to {LABEL_MAX_CHARS} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise LabelError("a label may not contain control characters")
    return name


def item_labels_add(*, user: User, article_ids: Iterable[int], name: str) -> int:
    """Put the label on these articles (unknown ids are skipped); returns how many articles exist."""
    name = label_name_clean(name)
    mine = ItemLabel.objects.filter(user=user)
    if not mine.filter(name=name).exists() and mine.values("name").distinct().count() >= LABEL_NAMES_MAX:
        raise LabelError(f"at most {LABEL_NAMES_MAX} labels per reader")
    existing = list(Article.objects.filter(pk__in=set(article_ids)).values_list("pk", flat=True))
    ItemLabel.objects.bulk_create(
        [ItemLabel(user=user, article_id=pk, name=name) for pk in existing], ignore_conflicts=True
    )
    return len(existing)


def item_labels_remove(*, user: User, article_ids: Iterable[int], name: str) -> None:
    """Take the label off these articles; a no-op where it is not on them."""
    ItemLabel.objects.filter(user=user, article_id__in=set(article_ids), name=name.strip()).delete()


def label_rename(*, user: User, old: str, new: str) -> None:
    """Rename one of the reader's labels; into one they already have, the two become one."""
    new = label_name_clean(new)
    if new == old:
        return
    with transaction.atomic():
        mine = ItemLabel.objects.filter(user=user)
        # An article with both keeps one row: the unique (user, article, name) would refuse the second.
        mine.filter(
            name=old, article_id__in=list(mine.filter(name=new).values_list("article_id", flat=True))
        ).delete()
        mine.filter(name=old).update(name=new)


def label_delete(*, user: User, name: str) -> None:
    """Take one of the reader's labels off every article."""
    ItemLabel.objects.filter(user=user, name=name).delete()


def reader_label_names(*, user: User) -> list[str]:
    """The names of the reader's labels, in order."""
    return list(
        ItemLabel.objects.filter(user=user).order_by("name").values_list("name", flat=True).distinct()
    )


def item_label_names(*, user: User, article_ids: Iterable[int]) -> dict[int, list[str]]:
    """The reader's labels on each of these articles (articles without any are left out)."""
    found: dict[int, list[str]] = {}
    rows = ItemLabel.objects.filter(user=user, article_id__in=set(article_ids)).order_by("name")
    for article_id, name in rows.values_list("article_id", "name"):
        found.setdefault(article_id, []).append(name)
    return found


def labelled_articles(*, user: User, name: str) -> QuerySet[Article]:
    """The articles the reader gave this label."""
    return Article.objects.filter(pk__in=ItemLabel.objects.filter(user=user, name=name).values("article_id"))
