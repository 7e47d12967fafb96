"""Stories, topics and entities in the admin, so an operator can fix by hand what the machine got
wrong: hide junk, merge what is one. Merges go through the workflow functions, which keep the story
engine's saved state, the article links and the followers consistent."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest

from gazette.stories.engine import StaleState, stories_merge
from gazette.stories.entity_store import entity_merge
from gazette.stories.merges import topics_merge
from gazette.stories.models import Entity, Story, Topic


class MergeForm(ActionForm):
    """The action bar with the id of the row to merge into (default: the oldest selected)."""

    into = forms.IntegerField(required=False, min_value=1, label="merge into id")


def _into(request: HttpRequest, rows: list, oldest) -> object | None:
    """The selected row to merge into: the one named in the form, else the oldest."""
    raw = request.POST.get("into", "").strip()
    if raw:
        chosen = [r for r in rows if str(r.pk) == raw]
        return chosen[0] if chosen else None
    return min(rows, key=oldest)


class HideActions:
    """Hide and show again: an operator's flag the reader site, the API and the feeds respect."""

    @admin.action(description="Hide the selected items from readers")
    def hide(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(hidden=True)
        self.message_user(request, f"{count} hidden; pages show it within a minute.", messages.SUCCESS)  # type: ignore[attr-defined]

    @admin.action(description="Show the selected items again")
    def unhide(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(hidden=False)
        self.message_user(request, f"{count} shown again.", messages.SUCCESS)  # type: ignore[attr-defined]


def _merge_refused(admin_: admin.ModelAdmin, request: HttpRequest, rows: list, into) -> bool:
    if len(rows) < 2:
        admin_.message_user(request, "Select two or more to merge.", messages.ERROR)
        return True
    if into is None:
        admin_.message_user(request, "The id to merge into must be one of those selected.", messages.ERROR)
        return True
    return False


@admin.register(Story)
class StoryAdmin(HideActions, admin.ModelAdmin):
    list_display = ["title", "article_count", "source_count", "first_reported_at", "last_article_at",
                    "hidden", "merged_into"]  # fmt: skip
    list_filter = ["hidden", ("merged_into", admin.EmptyFieldListFilter), "first_reported_at"]
    search_fields = ["title", "key"]
    date_hierarchy = "last_article_at"
    # The story engine writes these; by hand only the title and the hidden flag change.
    readonly_fields = ["key", "first_reported_at", "last_article_at", "article_count", "source_count",
                       "first_article", "updated_at", "merged_into"]  # fmt: skip
    action_form = MergeForm
    actions = ["merge", "hide", "unhide"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Merge the selected stories (into the oldest, or the id given)")
    def merge(self, request: HttpRequest, queryset: QuerySet[Story]) -> None:
        rows = list(queryset.filter(merged_into__isnull=True))
        into = _into(request, rows, lambda s: (s.first_reported_at is None, s.first_reported_at, s.pk))
        if _merge_refused(self, request, rows, into):
            return
        assert isinstance(into, Story)
        try:
            stories_merge(stories=rows, into=into)
        except StaleState:
            self.message_user(request, "The stories changed meanwhile; try again.", messages.ERROR)
            return
        into.refresh_from_db()
        self.message_user(
            request,
            f"{len(rows) - 1} merged into “{into}” ({into.article_count} articles).",
            messages.SUCCESS,
        )


@admin.register(Topic)
class TopicAdmin(HideActions, admin.ModelAdmin):
    list_display = ["name", "slug", "position", "hidden", "merged_into"]
    list_filter = ["hidden", ("merged_into", admin.EmptyFieldListFilter)]
    search_fields = ["name", "slug"]
    readonly_fields = ["merged_into"]
    action_form = MergeForm
    actions = ["merge", "hide", "unhide"]

    @admin.action(description="Merge the selected topics (into the first, or the id given)")
    def merge(self, request: HttpRequest, queryset: QuerySet[Topic]) -> None:
        rows = list(queryset.filter(merged_into__isnull=True))
        into = _into(request, rows, lambda t: (t.position, t.pk))
        if _merge_refused(self, request, rows, into):
            return
        assert isinstance(into, Topic)
        topics_merge(topics=rows, into=into)
        self.message_user(request, f"{len(rows) - 1} merged into “{into}”.", messages.SUCCESS)


@admin.register(Entity)
class EntityAdmin(HideActions, admin.ModelAdmin):
    list_display = ["name", "kind", "slug", "hidden", "merged_into"]
    list_filter = ["kind", "hidden", ("merged_into", admin.EmptyFieldListFilter)]
    search_fields = ["name", "slug"]
    readonly_fields = ["merged_into"]
    action_form = MergeForm
    actions = ["merge", "hide", "unhide"]

    @admin.action(description="Merge the selected entities (into the oldest, or the id given)")
    def merge(self, request: HttpRequest, queryset: QuerySet[Entity]) -> None:
        rows = list(queryset.filter(merged_into__isnull=True))
        into = _into(request, rows, lambda e: e.pk)
        if _merge_refused(self, request, rows, into):
            return
        assert isinstance(into, Entity)
        for entity in rows:
            if entity.pk != into.pk:
                entity_merge(entity, into=into, keep_alias=True)
        self.message_user(request, f"{len(rows) - 1} merged into “{into}”.", messages.SUCCESS)
