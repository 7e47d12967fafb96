"""For you, and muting or unmuting the reason a card is there ("Show fewer like this")."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from gazette.accounts.follows import Target
from gazette.accounts.foryou import (
    foryou_items,
    foryou_mute_add,
    foryou_mute_remove,
    foryou_mutes,
    foryou_target,
    foryou_visit,
)
from gazette.accounts.models import Follow, SavedArticle
from gazette.accounts.views.access import next_url, reader, signin_required


@login_required
@never_cache
@require_GET
def foryou(request: HttpRequest) -> HttpResponse:
    """The reader's own front page: what they follow and save, each card with its reason."""
    user = reader(request)
    since = foryou_visit(user=user)
    context = {
        "items": foryou_items(reader=user, since=since),
        "mutes": foryou_mutes(user=user),
        "follows_any": Follow.objects.filter(user=user).exists()
        or SavedArticle.objects.filter(user=user).exists(),
    }
    return render(request, "accounts/foryou.html", context)


def _target(kind: str, pk: int) -> Target:
    target = foryou_target(kind, pk)
    if target is None:
        raise Http404("Nothing of that kind can be muted.")
    return target


def _foryou_page(**kwargs) -> str:
    return reverse("accounts:foryou")


@require_POST
@signin_required(_foryou_page)
def mute(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    foryou_mute_add(user=reader(request), target=_target(kind, pk))
    return redirect(next_url(request, fallback=reverse("accounts:foryou")))


@require_POST
@signin_required(_foryou_page)
def unmute(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    foryou_mute_remove(user=reader(request), target=_target(kind, pk))
    return redirect(next_url(request, fallback=reverse("accounts:foryou")))
