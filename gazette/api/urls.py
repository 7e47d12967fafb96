from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path, reverse
from django.views.decorators.http import require_safe

from gazette.api.api import api

LISTS = ("articles", "stories", "sources", "topics", "entities", "search")


@require_safe
def index(request: HttpRequest) -> JsonResponse:
    """What /api/ offers: the schema, the docs and the lists."""
    links = {
        "openapi": reverse("api:openapi-json"),
        "docs": reverse("api:openapi-view"),
        **{name: f"{request.path}{name}" for name in LISTS},
    }
    return JsonResponse({name: request.build_absolute_uri(url) for name, url in links.items()})


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Unknown API paths answer in JSON too, not with the reader site's HTML 404 page."""
    return JsonResponse({"detail": "Not Found"}, status=404)


urlpatterns = [
    path("", index, name="api-index"),
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", not_found),
]
