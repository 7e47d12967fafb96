from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "gazette.articles"
    verbose_name = "Articles"
