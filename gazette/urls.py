from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("gazette.sources.urls")),
    path("", include("gazette.web.urls")),
    path("", include("gazette.accounts.urls")),
    # Before api/: its catch-all answers unknown paths with JSON 404s.
    path("api/greader/", include("gazette.api.greader.urls")),
    path("api/", include("gazette.api.urls")),
    path("feeds/", include("gazette.feeds.urls")),
    path("", include("gazette.ops.urls")),
]
