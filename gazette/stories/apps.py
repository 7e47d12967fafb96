from django.apps import AppConfig


class StoriesConfig(AppConfig):
    name = "gazette.stories"
    verbose_name = "Stories, topics and entities"
