from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "gazette.api"
    verbose_name = "JSON API"
