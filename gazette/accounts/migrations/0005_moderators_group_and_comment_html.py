"""The moderators group, and the stored HTML of the comments written before comments had formatting."""

from django.db import migrations
from django.utils.html import escape, linebreaks


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="moderators")
    Comment = apps.get_model("accounts", "Comment")
    # Those comments were plain text: shown exactly as typed, as before, not reread as Markdown.
    for comment in Comment.objects.filter(body_html="").iterator():
        comment.body_html = linebreaks(escape(comment.body))
        comment.save(update_fields=["body_html"])


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_comment_replies_reports_moderation"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
