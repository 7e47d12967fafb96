"""PostgreSQL: the search vector as a stored generated column with its GIN index, in place of the
expression index, so ranking no longer parses each matching article's text. SQLite is unchanged.

Adding the column rewrites the articles table under an exclusive lock: 16.5 minutes at a million
articles on two busy cores (bench/web_million.py's data), during which the site waits.
"""

from django.db import migrations

from gazette.search.index import search_vector_create, search_vector_drop


def forward(apps, schema_editor):
    search_vector_create(schema_editor.connection)


def backward(apps, schema_editor):
    search_vector_drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("web", "0001_search_index"), ("articles", "0002_stage_progress")]

    operations = [migrations.RunPython(forward, backward)]
