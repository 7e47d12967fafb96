"""Full-text index over articles: FTS5 with sync triggers on SQLite, a GIN expression index on PostgreSQL."""

from django.db import migrations

from gazette.search.index import search_index_create, search_index_drop


def forward(apps, schema_editor):
    search_index_create(schema_editor.connection)


def backward(apps, schema_editor):
    search_index_drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
