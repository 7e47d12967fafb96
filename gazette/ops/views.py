"""/healthz: a plain answer for load balancers and monitors, never cached."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from gazette.ops.health import health_report


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """The health report as JSON: 200 while the site can serve (ok or degraded), 503 when it is down."""
    report = health_report()
    return JsonResponse(report.as_json(), status=503 if report.status == "down" else 200)
