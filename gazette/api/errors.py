"""Answers in JSON for the failures that happen before an operation runs: no valid token, a body too big."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError


def errors_install(api: NinjaAPI) -> None:
    """Register the API's own answers to these failures on `api`."""

    @api.exception_handler(AuthenticationError)
    def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        # RFC 6750: say how to authenticate.
        response = api.create_response(
            request, {"detail": "Give a valid access token: Authorization: Bearer <token>."}, status=401
        )
        response["WWW-Authenticate"] = 'Bearer realm="gazette"'
        return response

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        # Django's own answer would be its HTML 400 page.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return api.create_response(
            request, {"detail": f"The request body is larger than {limit} bytes."}, status=413
        )
