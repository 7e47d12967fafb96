"""RequestTimingMiddleware: gazette_request_seconds for every request, labelled by URL name."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from gazette.ops.metrics import metrics_request_observe

# Requests that matched no URL pattern (404s, static files answered by WhiteNoise) share one label:
# labelling them by path would let any client create a new series per URL it invents.
UNRESOLVED = "unresolved"


class RequestTimingMiddleware:
    """Times the whole response, including the middleware below it; goes first in MIDDLEWARE."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.view_name if match is not None else "") or UNRESOLVED
        metrics_request_observe(request.method or "", route, time.perf_counter() - started)
        return response
