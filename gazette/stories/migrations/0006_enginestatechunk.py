import django.utils.timezone
from django.db import migrations, models


def state_to_snapshot(apps, schema_editor):
    """The state saved whole becomes the first snapshot: a worker continues from it."""
    EngineState = apps.get_model("stories", "EngineState")
    EngineStateChunk = apps.get_model("stories", "EngineStateChunk")
    for row in EngineState.objects.exclude(data=b""):
        EngineStateChunk.objects.create(version=row.version, snapshot=True, data=row.data)


def state_forget(apps, schema_editor):
    """Back to one row saved whole: the journal does not fit it, so the engine replays the window."""
    apps.get_model("stories", "EngineState").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("stories", "0005_operator_hide_and_merge"),
    ]

    operations = [
        migrations.CreateModel(
            name="EngineStateChunk",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.PositiveBigIntegerField(unique=True)),
                ("snapshot", models.BooleanField(default=False)),
                ("data", models.BinaryField()),
                ("saved_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.RunPython(state_to_snapshot, migrations.RunPython.noop),
        migrations.RemoveField(model_name="enginestate", name="data"),
        # Backwards, first: the column saved whole comes back on an empty table.
        migrations.RunPython(migrations.RunPython.noop, state_forget),
    ]
