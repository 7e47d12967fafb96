"""Sign-up, logging in and password resets; logging out and changing a password are Django's own views
(see urls.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from gazette.accounts.forms import LoginForm, SignupForm, login_refused
from gazette.accounts.verification import verification_mail_send, verification_pending_start
from gazette.accounts.views.access import link_base, next_url
from gazette.web.ratelimit import password_reset_rate_take, signup_rate_take

SIGNUP_LIMITED = "Too many accounts have been created from your network recently. Please try again later."
RESET_LIMITED = "Too many password resets have been asked for recently. Please try again in an hour."


@sensitive_post_parameters("password1", "password2")
@csrf_protect
@never_cache
def signup(request: HttpRequest) -> HttpResponse:
    """Create an account and sign the new reader in."""
    target = next_url(request, fallback=resolve_url(settings.LOGIN_REDIRECT_URL))
    if request.user.is_authenticated:
        return redirect(target)
    form: UserCreationForm[User] = SignupForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif not signup_rate_take(request):
            form.add_error(None, SIGNUP_LIMITED)
            status = 429
        else:
            user = form.save()
            login(request, user)
            if settings.GAZETTE_EMAIL_VERIFICATION:
                verification_pending_start(user=user)
                verification_mail_send(user=user, link_base=link_base(request))
            return redirect(target)
    return render(request, "accounts/signup.html", {"form": form, "next": target}, status=status)


class LoginView(auth_views.LoginView):
    """Django's login page, answering 429 once the address or the username has failed too often."""

    authentication_form = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if login_refused(form):
            response.status_code = 429
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request: the same answer whether or not an account has the address (Django sends
    mail only to accounts that have it), limited per client address and per e-mail address."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        if not password_reset_rate_take(self.request, email=form.cleaned_data["email"]):
            form.add_error(None, RESET_LIMITED)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)

    def form_invalid(self, form: PasswordResetForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response
