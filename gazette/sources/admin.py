from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import Truncator

from gazette.sources.models import Category, FilterRule, PollEvent, Source


class FilterRuleInline(admin.TabularInline):
    model = FilterRule
    extra = 0


class PollEventInline(admin.TabularInline):
    model = PollEvent
    extra = 0
    max_num = 0
    can_delete = False
    readonly_fields = ["at", "status", "new_articles", "error", "elapsed_ms"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PollEvent]:
        return super().get_queryset(request).order_by("-at")


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "feed_url", "health", "last_status", "errors", "short_error",
                    "last_polled_at", "next_poll_at", "articles_per_day"]  # fmt: skip
    list_filter = ["is_active", "kind", "categories", "display"]
    search_fields = ["name", "feed_url", "site_url"]
    filter_horizontal = ["categories"]
    readonly_fields = [
        "last_polled_at", "last_success_at", "last_status", "last_error", "consecutive_errors",
        "articles_per_day", "etag", "last_modified", "websub_expires_at", "created_at",
    ]  # fmt: skip
    inlines = [FilterRuleInline, PollEventInline]
    actions = ["poll_now"]

    class Media:
        css = {"all": ["gazette/admin.css"]}

    @admin.display(description="errors in a row", ordering="consecutive_errors")
    def errors(self, source: Source) -> int:
        return source.consecutive_errors

    @admin.display(description="last error", ordering="last_error")
    def short_error(self, source: Source) -> str:
        # The whole message is on the source's own page; a line of it is enough to tell errors apart.
        return Truncator(source.last_error).chars(80)

    @admin.action(description="Poll the selected sources now")
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        count = queryset.update(next_poll_at=timezone.now())
        self.message_user(request, f"{count} source(s) will be polled within seconds.", messages.SUCCESS)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(FilterRule)
class FilterRuleAdmin(admin.ModelAdmin):
    list_display = ["source", "action", "field", "pattern", "is_regex"]


@admin.register(PollEvent)
class PollEventAdmin(admin.ModelAdmin):
    list_display = ["at", "source", "status", "new_articles", "error"]
    list_filter = ["status"]
    list_select_related = ["source"]
