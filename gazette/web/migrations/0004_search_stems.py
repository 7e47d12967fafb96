"""Search by stems: SQLite's FTS5 index rebuilt with the Porter tokenizer, plus its vocabulary table;
on PostgreSQL (whose 'english' vector already stems) the word list for spelling suggestions.

The rebuild reads every article again: a few seconds per hundred thousand articles.
"""

from django.db import migrations

from gazette.search.index import search_stems_create, search_stems_drop


def forward(apps, schema_editor):
    search_stems_create(schema_editor.connection)


def backward(apps, schema_editor):
    search_stems_drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("web", "0003_rate_count")]

    operations = [migrations.RunPython(forward, backward)]
