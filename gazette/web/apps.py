from django.apps import AppConfig
from django.db.models.signals import post_migrate


class WebConfig(AppConfig):
    name = "gazette.web"
    verbose_name = "Reader site"

    def ready(self) -> None:
        from gazette.search.index import search_index_ensure

        post_migrate.connect(search_index_ensure, sender=self, dispatch_uid="web-search-index-ensure")
