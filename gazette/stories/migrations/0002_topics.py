"""The fixed topic taxonomy (gazette.stories.topics.TOPICS classifies into these)."""

from django.db import migrations

TAXONOMY = [
    "World",
    "Politics",
    "Business",
    "Technology",
    "Science",
    "Health",
    "Sport",
    "Entertainment",
    "Climate",
]


def forward(apps, schema_editor):
    Topic = apps.get_model("stories", "Topic")
    for position, name in enumerate(TAXONOMY):
        Topic.objects.update_or_create(slug=name.lower(), defaults={"name": name, "position": position})


def backward(apps, schema_editor):
    apps.get_model("stories", "Topic").objects.filter(slug__in=[n.lower() for n in TAXONOMY]).delete()


class Migration(migrations.Migration):
    dependencies = [("stories", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
