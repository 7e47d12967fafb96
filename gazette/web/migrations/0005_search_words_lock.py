"""PostgreSQL: the word list's trigger takes one advisory lock before adding new words (no deadlocks)."""

from django.db import migrations

from gazette.search.index import search_words_lock


def forward(apps, schema_editor):
    search_words_lock(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("web", "0004_search_stems")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
