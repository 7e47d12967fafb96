from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "gazette.sources"
    verbose_name = "Sources"
