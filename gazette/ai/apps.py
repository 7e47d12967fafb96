from django.apps import AppConfig


class AiConfig(AppConfig):
    name = "gazette.ai"
    verbose_name = "AI panel"
