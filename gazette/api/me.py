"""Who the token or session belongs to, and the reader's own access tokens (listed and revoked here;
made only on the tokens page, so that a token can never mint more of itself)."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from gazette.accounts.models import AccessToken
from gazette.accounts.templatetags.gazette_accounts import reader_name
from gazette.accounts.tokens import access_token_revoke, access_tokens_list
from gazette.api.auth import READER_AUTH, reader
from gazette.api.caching import reader_private
from gazette.api.params import Id
from gazette.api.schemas import CHANGES, INVALID, NOT_FOUND, SIGNED_IN, absolute

router = Router(tags=["me"], auth=READER_AUTH)
router.add_decorator(reader_private, mode="view")


class Me(Schema):
    id: int
    username: str
    display_name: str = Field(description="the name on your comments: your display name, else username")
    joined: datetime
    moderator: bool = Field(description="true for staff, who may hide comments")
    follows: int = Field(description="how many things you follow")
    saved: int = Field(description="how many articles you saved")
    tokens_page: str = Field(description="where you make and revoke access tokens")


class Token(Schema):
    id: int
    name: str
    prefix: str = Field(description="the token's first characters, to tell it apart; the rest is never kept")
    created: datetime
    last_used: datetime | None = Field(description="to the minute; null when never used")
    revoked: datetime | None


class TokenList(Schema):
    items: list[Token]


@router.get("/me", response={200: Me, **SIGNED_IN}, summary="Your account")
def me(request: HttpRequest) -> Me:
    user = reader(request)
    return Me(
        id=user.pk,
        username=user.get_username(),
        display_name=reader_name(user),
        joined=user.date_joined,
        moderator=user.is_staff,
        follows=user.follows.count(),
        saved=user.saved.count(),
        tokens_page=absolute(request, reverse("accounts:tokens")),
    )


def _token(token: AccessToken) -> Token:
    return Token(
        id=token.pk,
        name=token.name,
        prefix=token.prefix,
        created=token.created_at,
        last_used=token.last_used_at,
        revoked=token.revoked_at,
    )


@router.get("/me/tokens", response={200: TokenList, **SIGNED_IN}, summary="Your access tokens, newest first")
def token_list(request: HttpRequest) -> dict:
    return {"items": [_token(t) for t in access_tokens_list(user=reader(request))]}


@router.delete(
    "/me/tokens/{pk}",
    response={204: None, **CHANGES, **NOT_FOUND, **INVALID},
    summary="Revoke one of your tokens (the one in use too: a client signing out)",
)
def token_delete(request: HttpRequest, pk: Id) -> Status[None]:
    if not access_token_revoke(user=reader(request), pk=pk):
        raise Http404("No such token.")
    return Status(204, None)
