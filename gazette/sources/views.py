"""The WebSub callback: hubs verify our subscriptions here and push new content."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotFound
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from gazette.sources.models import Source
from gazette.sources.websub import websub_push_received, websub_signature_ok, websub_verify

# Pushes larger than this are ignored: the poll that follows fetches the feed itself.
MAX_PUSH_BYTES = 2 * 1024 * 1024


@csrf_exempt  # hubs cannot hold a CSRF token; pushes are authenticated by the HMAC signature instead
@require_http_methods(["GET", "POST"])
def websub_callback(request: HttpRequest, source_id: int) -> HttpResponse:
    source = get_object_or_404(Source, pk=source_id)
    if request.method == "GET":
        mode = request.GET.get("hub.mode", "")
        topic = request.GET.get("hub.topic", "")
        challenge = request.GET.get("hub.challenge", "")
        if mode == "denied":
            return HttpResponse("ok")
        if not challenge or not websub_verify(
            source, mode=mode, topic=topic, lease=request.GET.get("hub.lease_seconds")
        ):
            return HttpResponseNotFound("unknown subscription")
        return HttpResponse(challenge, content_type="text/plain")
    if int(request.headers.get("Content-Length") or 0) > MAX_PUSH_BYTES:
        return HttpResponseBadRequest("push too large")
    if not websub_signature_ok(source, request.body, request.headers.get("X-Hub-Signature", "")):
        # Per the WebSub spec, acknowledge but ignore content with a bad signature.
        return HttpResponse(status=202)
    websub_push_received(source)
    return HttpResponse(status=202)
