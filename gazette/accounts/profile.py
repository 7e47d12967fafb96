"""The name a reader goes by on their comments."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from gazette.accounts.comments import comments_author_changed
from gazette.accounts.reading import reader_settings


def display_name_set(*, user: User, name: str) -> None:
    """Show `name` on the reader's comments ("" for their username); cached pages with them are renewed."""
    with transaction.atomic():
        found = reader_settings(user=user)
        if found.display_name == name:
            return
        found.display_name = name
        found.save(update_fields=["display_name"])
        comments_author_changed(author=user)
