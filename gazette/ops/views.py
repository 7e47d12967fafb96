"""/healthz and /metrics: plain answers for load balancers and Prometheus, never cached."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from gazette.ops.health import health_report
from gazette.ops.metrics import metrics_render
from gazette.web.ratelimit import client_ip


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """The health report as JSON: 200 while the site can serve (ok or degraded), 503 when it is down."""
    report = health_report()
    return JsonResponse(report.as_json(), status=503 if report.status == "down" else 200)


def metrics_allowed(request: HttpRequest) -> bool:
    """Whether the client (seen through GAZETTE_TRUSTED_PROXIES) is in GAZETTE_METRICS_ALLOW."""
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in network for network in settings.GAZETTE_METRICS_ALLOW)


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text format, for the addresses in GAZETTE_METRICS_ALLOW only."""
    if not metrics_allowed(request):
        return HttpResponseForbidden("forbidden\n", content_type="text/plain")
    body, content_type = metrics_render()
    return HttpResponse(body, content_type=content_type)
