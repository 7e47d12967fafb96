from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("gazette.sources.urls")),
    path("", include("gazette.web.urls")),
    path("", include("gazette.accounts.urls")),
    path("api/", include("gazette.api.urls")),
    path("feeds/", include("gazette.feeds.urls")),
    path("", include("gazette.ops.urls")),
]
