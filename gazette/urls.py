from django.contrib import admin
from django.urls import include, path, re_path

from gazette.api.fever.views import fever

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("gazette.sources.urls")),
    path("", include("gazette.web.urls")),
    path("", include("gazette.accounts.urls")),
    # Before api/: its catch-all answers unknown paths with JSON 404s.
    path("api/greader/", include("gazette.api.greader.urls")),
    # With or without the slash: apps append "?api" to what the reader typed, and a redirect loses a POST.
    re_path(r"^api/fever/?$", fever, name="fever"),
    path("api/", include("gazette.api.urls")),
    path("feeds/", include("gazette.feeds.urls")),
    path("", include("gazette.ops.urls")),
]
