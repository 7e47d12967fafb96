from django.contrib import admin

from gazette.jobs.models import JobFailure


@admin.register(JobFailure)
class JobFailureAdmin(admin.ModelAdmin):
    list_display = ["failed_at", "queue", "task", "args", "error"]
    list_filter = ["queue", "task"]
    search_fields = ["args", "error"]
    readonly_fields = ["queue", "task", "args", "error", "attempts", "failed_at"]
