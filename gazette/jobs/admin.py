from django.contrib import admin

from gazette.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["kind", "key", "state", "attempts", "run_after", "error"]
    list_filter = ["state", "kind"]
    search_fields = ["key"]
