from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "gazette.jobs"
    verbose_name = "Background jobs"
