"""The comment form (accounts use Django's own UserCreationForm and auth forms)."""

from __future__ import annotations

from django import forms

from gazette.accounts.models import COMMENT_MAX_CHARS


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Plain text, up to {COMMENT_MAX_CHARS} characters. Be kind; moderators may hide comments.",
        error_messages={
            "required": "Write something first.",
            "max_length": (
                "Comments can be at most %(limit_value)d characters long (this one has %(show_value)d)."
            ),
        },
    )
