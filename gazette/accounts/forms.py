"""The comment form, the access token form, the sign-up form and the login forms, the site's and the
admin's (password changes and resets use Django's own forms)."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from gazette.accounts.api_password import API_PASSWORD_MIN_CHARS
from gazette.accounts.models import COMMENT_MAX_CHARS, DISPLAY_NAME_MAX_CHARS, CommentReport
from gazette.web.ratelimit import login_rate_check, login_rate_take

LOGIN_LIMITED = (
    "Too many failed attempts to log in from your network or to this account. Please try again in an hour."
)


COMMENT_HELP = (
    f"Up to {COMMENT_MAX_CHARS} characters. *emphasis*, **strong**, [a link](https://…) and > quotes work. "
    "Be kind; moderators may hide comments."
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if settings.GAZETTE_EMAIL_VERIFICATION:
            email = self.fields["email"]
            email.required, email.label = True, "E-mail"
            email.help_text = "We send you a link to confirm it; you can comment once it is confirmed."


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=COMMENT_HELP,
        error_messages={
            "required": "Write something first.",
            "max_length": (
                "Comments can be at most %(limit_value)d characters long (this one has %(show_value)d)."
            ),
        },
    )
    # The comment replied to; a reply box sends it.
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # A honeypot: hidden from people (and from screen readers), filled in by form-filling scripts.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise ValidationError("Your comment looks automated and was not posted.", code="honeypot")
        return ""


class CommentEditForm(forms.Form):
    body = CommentForm.base_fields["body"]


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why should moderators look at it?",
        choices=CommentReport.REASONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a reason for the report."},
    )
    note = forms.CharField(
        label="Anything to add (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModerationReasonForm(forms.Form):
    reason = forms.CharField(label="Reason (for the log)", required=False, max_length=500)


class SuspendForm(forms.Form):
    days = forms.IntegerField(label="Days (empty: for good)", required=False, min_value=1, max_value=3650)
    reason = forms.CharField(
        label="Reason (the reader sees it)",
        max_length=500,
        error_messages={"required": "Say why; the reader is shown the reason."},
    )


class AccessTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="Where the token is used, so you can tell your tokens apart (e.g. “phone”, “backup script”).",
        error_messages={"required": "Give the token a name."},
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


def _no_control_characters(value: str) -> None:
    # Control and format characters (a right-to-left override, a zero-width joiner) can make a name
    # read as someone else's or break the byline around it.
    if any(unicodedata.category(ch).startswith("C") for ch in value):
        raise forms.ValidationError("Use letters, digits, spaces and punctuation only.")


class DisplayNameForm(forms.Form):
    """The name shown on the reader's comments; empty to show the username."""

    display_name = forms.CharField(
        label="Display name",
        required=False,
        strip=True,
        max_length=DISPLAY_NAME_MAX_CHARS,
        validators=[_no_control_characters],
        help_text="Shown on your comments instead of your username. Leave empty to show your username.",
    )


class ReadingSettingsForm(forms.Form):
    """How the site keeps the reader's read state."""

    mark_read_on_open = forms.BooleanField(
        required=False,
        label="Mark articles read when I open them",
        help_text="Turn off to keep your unread list for your reader app only.",
    )


class ApiPasswordForm(forms.Form):
    """The password reader apps sign in with; never the login password."""

    api_password = forms.CharField(
        label="New API password",
        min_length=API_PASSWORD_MIN_CHARS,
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=(
            f"At least {API_PASSWORD_MIN_CHARS} characters, different from your login password. "
            "Type it into your reader app; setting a new one signs your apps out."
        ),
    )

    def __init__(self, *args, user: Any = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_api_password(self) -> str:
        raw = self.cleaned_data["api_password"]
        if self.user is not None and self.user.check_password(raw):
            raise ValidationError("Choose a password different from your login password.")
        return raw
