"""Site plumbing: theme preference, web app manifest, service worker, offline page, media proxy."""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from gazette.web.media import (
    MediaBusy,
    MediaRefused,
    MediaTimedOut,
    media_fetch,
    media_retry_after,
    media_unsign,
)
from gazette.web.templatetags.gazette_web import THEME_COOKIE, THEMES

log = logging.getLogger(__name__)

THEME_COOKIE_AGE = 365 * 24 * 3600
# What the service worker keeps for offline reading. Pages are ~30-80 kB each, so the articles read
# last and the saved ones stay in the low megabytes; images are kept only up to a size each, and a count.
SW_RECENT_ARTICLES = 50
SW_SAVED_ARTICLES = 200
SW_IMAGES = 150
SW_IMAGE_MAX_BYTES = 200 * 1024
SW_ASSETS = ("gazette/site.css", "gazette/site.js", "gazette/vendor/htmx.min.js", "gazette/icons/icon.svg")
BUSY = "Too many images are being fetched right now; try again shortly.\n"


# A cross-site request could at worst flip someone's colour scheme, so no CSRF token: pages stay
# cookie-free and cacheable.
@csrf_exempt
@require_POST
def theme(request: HttpRequest) -> HttpResponse:
    """Store the reader's theme (light, dark, or auto to follow the system) and go back."""
    choice = request.POST.get("theme", "")
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if choice in THEMES:
        response.set_cookie(THEME_COOKIE, choice, max_age=THEME_COOKIE_AGE, samesite="Lax")
    else:
        response.delete_cookie(THEME_COOKIE, samesite="Lax")
    return response


@require_GET
@cache_control(public=True, max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "name": settings.GAZETTE_SITE_NAME,
        "short_name": settings.GAZETTE_SITE_NAME,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1a56db",
        "icons": [
            {"src": static("gazette/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("gazette/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("gazette/icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("gazette/icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data)
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the root so its scope is the whole site; no-cache so updates are picked up.

    Its version (in every cache's name) changes with the static files' hashed names and with the worker's
    own code, so a deploy replaces the caches that name old files.
    """
    template = get_template("web/sw.js")
    assets = [static(name) for name in SW_ASSETS]
    source = getattr(template, "template", None)
    version = hashlib.blake2b(
        "|".join([*assets, getattr(source, "source", "")]).encode(), digest_size=6
    ).hexdigest()
    context = {
        "version": version,
        "article_prefix": reverse("web:article", args=[0]).removesuffix("0/"),
        "saved_prefix": reverse("accounts:saved"),
        "recent_max": SW_RECENT_ARTICLES,
        "saved_max": SW_SAVED_ARTICLES,
        "images_max": SW_IMAGES,
        "image_max_bytes": SW_IMAGE_MAX_BYTES,
    }
    return HttpResponse(template.render(context, request), content_type="text/javascript")


@require_GET
@cache_control(public=True, max_age=3600)
def offline(request: HttpRequest) -> HttpResponse:
    return render(request, "web/offline.html")


@require_GET
def media_proxy(request: HttpRequest, signed: str) -> HttpResponse:
    """A third-party image fetched by the server; only for URLs this site signed."""
    if not settings.GAZETTE_MEDIA_PROXY:
        raise Http404("media proxy is off")
    try:
        url = media_unsign(signed)
    except MediaRefused:
        raise Http404("bad signature") from None
    try:
        media = media_fetch(url)
    except MediaBusy as exc:
        log.warning("media-proxy: busy, refused %s: %s", url[:200], exc)
        busy = HttpResponse(BUSY, status=503, content_type="text/plain")
        busy["Retry-After"] = str(media_retry_after())
        return busy
    except MediaTimedOut as exc:
        log.info("media-proxy: %s: %s", url[:200], exc)
        return HttpResponse(
            f"The image did not arrive in time: {exc}.\n", status=504, content_type="text/plain"
        )
    except MediaRefused as exc:
        log.info("media-proxy: %s: %s", url[:200], exc)
        return HttpResponse(status=502)
    response = HttpResponse(media.body, content_type=media.content_type)
    response["Cache-Control"] = "public, max-age=604800, immutable"
    # An SVG could carry script: never let it run in our origin.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response
