from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "gazette.feeds"
    verbose_name = "RSS and Atom feeds"
