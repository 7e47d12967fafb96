"""The Following page, and following or unfollowing a topic, source, entity or story."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gazette.accounts.follows import (
    TARGET_MODELS,
    Target,
    follow_add,
    follow_kind,
    follow_remove,
    following_articles,
    follows_list,
    target_url,
)
from gazette.accounts.reading import unread_counts
from gazette.accounts.views.access import next_url, reader, signin_required
from gazette.web.lists import PAGE_SIZE


@login_required
@never_cache
def following(request: HttpRequest) -> HttpResponse:
    """The newest articles from everything the reader follows."""
    user = reader(request)
    page = Paginator(following_articles(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    follows = follows_list(user=user)
    counts = unread_counts(user=user)
    for follow in follows:
        found = counts.get(follow.source_id) if follow.source_id else None
        follow.unread = found.count if found else 0  # type: ignore[attr-defined]  # shown beside a source
    return render(request, "accounts/following.html", {"follows": follows, "page": page})


def _target(kind: str, pk: int) -> Target:
    model = TARGET_MODELS.get(kind)
    if model is None:
        raise Http404("Nothing of that kind can be followed.")
    return cast(Target, get_object_or_404(model, pk=pk))


def _target_page(*, kind: str, pk: int) -> str:
    return target_url(_target(kind, pk))


def _answer(request: HttpRequest, target: Target, *, following: bool) -> HttpResponse:
    """With htmx the new button; else back to the page the button was on."""
    if request.headers.get("HX-Request"):
        context = {
            "target": target,
            "kind": follow_kind(target),
            "following": following,
            "signed_in": True,
            "next": next_url(request, fallback=target_url(target)),
        }
        response = render(request, "accounts/_follow_button.html", context)
        response["Cache-Control"] = "private, no-store"
        return response
    return redirect(next_url(request, fallback=target_url(target)))


@require_POST
@signin_required(_target_page)
def follow(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = _target(kind, pk)
    follow_add(user=reader(request), target=target)
    return _answer(request, target, following=True)


@require_POST
@signin_required(_target_page)
def unfollow(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    target = _target(kind, pk)
    follow_remove(user=reader(request), target=target)
    return _answer(request, target, following=False)
