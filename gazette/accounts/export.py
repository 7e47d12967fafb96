"""Everything the site keeps about one reader, as plain data they can download and take elsewhere."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse

from gazette.accounts.models import (
    FOLLOW_KINDS,
    AccessToken,
    Comment,
    Follow,
    ForYouMute,
    ItemLabel,
    ReaderSettings,
    ReadState,
    ReadWatermark,
    SavedArticle,
)

# Bumped when a key is renamed or removed, so a script reading old exports can tell.
EXPORT_VERSION = 1


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _comment(comment: Comment) -> dict[str, Any]:
    if comment.article_id is not None:
        url = reverse("web:article", args=[comment.article_id])
    else:
        url = reverse("web:story", args=[comment.story_id])
    return {
        "id": comment.pk,
        "article_id": comment.article_id,
        "story_id": comment.story_id,
        "parent_id": comment.parent_id,
        "url": f"{url}#comment-{comment.pk}",
        "body": comment.body,
        "created": _when(comment.created_at),
        "edited": _when(comment.edited_at),
        "deleted": comment.deleted,
        "hidden": comment.hidden,
    }


def _follow(follow: Follow | ForYouMute) -> dict[str, Any]:
    target = follow.target
    return {
        "kind": follow.kind,
        "id": target.pk,
        "name": str(getattr(target, "name", None) or getattr(target, "title", None) or target),
        "created": _when(follow.created_at),
    }


def account_export(*, user: User) -> dict[str, Any]:
    """The reader's own account, comments, follows, saves, labels, read state, tokens and settings.

    Secrets never leave: no password hash, no API password hash or Fever key digest, no token digest. Every query filters on
    `user`, so nothing of another reader can appear.
    """
    found = ReaderSettings.objects.filter(user=user).first()
    return {
        "version": EXPORT_VERSION,
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "joined": _when(user.date_joined),
        },
        "comments": [_comment(c) for c in Comment.objects.filter(author=user).order_by("created_at", "id")],
        "follows": [_follow(f) for f in Follow.objects.filter(user=user).select_related(*FOLLOW_KINDS)],
        # "Show fewer like this" on For you: the same shape as a follow.
        "foryou_mutes": [
            _follow(m) for m in ForYouMute.objects.filter(user=user).select_related(*FOLLOW_KINDS)
        ],
        "saved": [
            {
                "article_id": s.article_id,
                "title": s.article.title,
                "url": s.article.canonical_url,
                "saved": _when(s.saved_at),
            }
            for s in SavedArticle.objects.filter(user=user).select_related("article")
        ],
        "labels": [
            {"article_id": label.article_id, "name": label.name, "created": _when(label.created_at)}
            for label in ItemLabel.objects.filter(user=user).order_by("name", "article_id")
        ],
        "read_state": {
            "articles": [
                {"article_id": r.article_id, "read": r.is_read, "at": _when(r.read_at)}
                for r in ReadState.objects.filter(user=user).order_by("article_id")
            ],
            "sources_read_before": [
                {"source_id": w.source_id, "source": w.source.name, "read_before": _when(w.read_before)}
                for w in ReadWatermark.objects.filter(user=user)
                .select_related("source")
                .order_by("source_id")
            ],
        },
        "access_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created": _when(t.created_at),
                "last_used": _when(t.last_used_at),
                "revoked": _when(t.revoked_at),
            }
            for t in AccessToken.objects.filter(user=user)
        ],
        "settings": {
            "display_name": found.display_name if found else "",
            "mark_read_on_open": found.mark_read_on_open if found else True,
            "email_digest": found.email_digest if found else False,
            "api_password_set": _when(found.api_password_set_at) if found and found.api_password else None,
        },
    }
