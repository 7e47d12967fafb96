from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest

from gazette.accounts.comments import comment_hide, comment_unhide
from gazette.accounts.deletion import DELETED_READER
from gazette.accounts.models import Comment, Follow, ForYouMute, ModerationLog, SavedArticle, Suspension
from gazette.accounts.views.access import reader


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("created_at", "author", "article", "short_body", "hidden")
    list_filter = ("hidden", "created_at")
    search_fields = ("body", "author__username", "article__title")
    # Comments are changed only through the actions (or the article page), which refresh cached pages.
    readonly_fields = (
        "article",
        "story",
        "parent",
        "author",
        "body",
        "body_html",
        "created_at",
        "changed_at",
        "edited_at",
        "deleted_at",
        "hidden",
        "hidden_by",
    )
    date_hierarchy = "created_at"
    actions = ("hide", "unhide")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="comment")
    def short_body(self, comment: Comment) -> str:
        return comment.body[:80]

    # Through the workflow functions, so the pages showing the comments notice the change.
    @admin.action(description="Hide selected comments")
    def hide(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        for comment in queryset:
            comment_hide(comment=comment, moderator=reader(request), reason="from the admin")

    @admin.action(description="Show selected comments again")
    def unhide(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        for comment in queryset:
            comment_unhide(comment=comment, moderator=reader(request), reason="from the admin")


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("user", "topic", "source", "entity", "story", "created_at")
    raw_id_fields = ("user", "topic", "source", "entity", "story")


@admin.register(ForYouMute)
class ForYouMuteAdmin(admin.ModelAdmin):
    list_display = ("user", "topic", "source", "entity", "story", "created_at")
    raw_id_fields = ("user", "topic", "source", "entity", "story")


@admin.register(SavedArticle)
class SavedArticleAdmin(admin.ModelAdmin):
    list_display = ("user", "article", "saved_at")
    raw_id_fields = ("user", "article")


@admin.register(Suspension)
class SuspensionAdmin(admin.ModelAdmin):
    list_display = ("reader", "moderator", "created_at", "ends_at", "lifted_at", "reason")
    raw_id_fields = ("reader", "moderator")


@admin.register(ModerationLog)
class ModerationLogAdmin(admin.ModelAdmin):
    """The audit log, read-only: rows are written by the moderation workflows only."""

    list_display = ("created_at", "moderator", "action", "reader", "excerpt", "reason")
    list_filter = ("action",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


admin.site.unregister(User)


@admin.register(User)
class ReaderAdmin(UserAdmin):
    """Django's user admin, with the placeholder author of kept comments out of reach: deleting it would
    delete every comment kept from closed accounts (they are its own), and a password or staff rights
    would turn it into an account someone can sign in to."""

    def _placeholder(self, obj: Any) -> bool:
        return isinstance(obj, User) and obj.get_username() == DELETED_READER

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._placeholder(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._placeholder(obj) and super().has_delete_permission(request, obj)
