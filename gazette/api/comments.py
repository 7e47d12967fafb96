"""Posting a comment on an article, under the site's limits: the same workflow and counters as the page."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from gazette.accounts.comments import CommentRefused, comment_post
from gazette.accounts.models import COMMENT_MAX_CHARS, Comment
from gazette.accounts.templatetags.gazette_accounts import reader_name
from gazette.api.auth import READER_AUTH, reader
from gazette.api.caching import reader_private
from gazette.api.params import Id
from gazette.api.schemas import CHANGES, INVALID, NOT_FOUND, Error, absolute
from gazette.articles.models import Article
from gazette.web.ratelimit import comment_rate_take
from gazette.web.templatetags.gazette_web import article_url

router = Router(tags=["comments"], auth=READER_AUTH)
router.add_decorator(reader_private, mode="view")

LIMITED = "You have posted several comments in a short time. Wait a few minutes before posting again."


class CommentIn(Schema):
    body: str = Field(
        max_length=COMMENT_MAX_CHARS,
        description=f"up to {COMMENT_MAX_CHARS} characters, as on the site: a little Markdown (emphasis, links, quotes), HTML shown as text",
    )


class CommentOut(Schema):
    id: int
    article: int = Field(description="the article's id")
    author: str = Field(description="the author's username (kept for older clients)")
    display_name: str = Field(
        description="the name shown on the site: the author's display name, else username"
    )
    body: str = Field(
        description="the text as typed (trimmed, at most one blank line in a row), before formatting"
    )
    created: datetime
    hidden: bool = Field(description="true once a moderator hid it: then only you and they see it")
    url: str = Field(description="the comment on the article page")


@router.post(
    "/articles/{pk}/comments",
    response={201: CommentOut, 400: Error, **CHANGES, **NOT_FOUND, 413: Error, **INVALID, 429: Error},
    summary="Comment on an article (a few a minute and a day at most, as on the site)",
)
def comment_create(request: HttpRequest, pk: Id, comment: CommentIn) -> Status[CommentOut] | Status[dict]:
    article = get_object_or_404(Article.objects.only("id", "title"), pk=pk)
    if not comment_rate_take(request):
        return Status(429, {"detail": LIMITED})
    try:
        stored = comment_post(author=reader(request), article=article, body=comment.body)
    except CommentRefused as exc:
        raise HttpError(422, f"body: {exc}") from None
    return Status(201, _out(request, stored, article))


def _out(request: HttpRequest, comment: Comment, article: Article) -> CommentOut:
    return CommentOut(
        id=comment.pk,
        article=article.pk,
        author=comment.author.get_username(),
        display_name=reader_name(comment.author),
        body=comment.body,
        created=comment.created_at,
        hidden=comment.hidden,
        url=absolute(request, f"{article_url(article)}#comment-{comment.pk}"),
    )
