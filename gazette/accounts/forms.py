"""The comment form, the sign-up form and the login forms, the site's and the admin's (password changes
and resets use Django's own forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from gazette.accounts.models import COMMENT_MAX_CHARS
from gazette.web.ratelimit import login_rate_check, login_rate_take

LOGIN_LIMITED = (
    "Too many failed attempts to log in from your network or to this account. Please try again in an hour."
)


class SignupForm(UserCreationForm):
    """Django's sign-up form with an optional e-mail address: the one way to reset a forgotten password."""

    email = forms.EmailField(
        label="E-mail (optional)",
        required=False,
        help_text="Only used to send you a link if you forget your password.",
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


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


class LoginForm(AuthenticationForm):
    """Django's login form, refused before the password is checked once failed attempts are over the limit."""

    error_messages = {**AuthenticationForm.error_messages, "rate_limited": LOGIN_LIMITED}

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password") or self.request is None:
            return super().clean()  # a blank field: no password will be checked, nothing to limit
        if not login_rate_check(self.request, username=username):
            raise ValidationError(self.error_messages["rate_limited"], code="rate_limited")
        try:
            return super().clean()
        except ValidationError:
            # Counted only once the password proved wrong, so logging in never uses up the limit (nor
            # does a reader with the right password at the admin's form, refused for not being staff).
            if self.get_user() is None:
                login_rate_take(self.request, username=username)
            raise


class AdminLoginForm(LoginForm, AdminAuthenticationForm):
    """The admin's login form, counted against the same failed logins as the site's: one limit to guess under."""

    error_messages = {**AdminAuthenticationForm.error_messages, "rate_limited": LOGIN_LIMITED}


def login_refused(form: AuthenticationForm) -> bool:
    """True when `form` was refused for too many failed logins (its page should answer 429)."""
    return form.has_error(NON_FIELD_ERRORS, "rate_limited")
