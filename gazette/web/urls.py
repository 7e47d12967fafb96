from django.urls import path

from gazette.web.views import articles, front, search, site, sources

app_name = "web"

urlpatterns = [
    path("", front.front, name="front"),
    path("article/<int:pk>/", articles.article, name="article"),
    path("article/<int:pk>/<slug:slug>/", articles.article, name="article_slug"),
    path("sources/", sources.source_list, name="sources"),
    path("source/<int:pk>/", sources.source_detail, name="source"),
    path("topic/<slug:slug>/", front.topic, name="topic"),
    path("search", search.search, name="search"),
    path("theme/", site.theme, name="theme"),
    path("manifest.webmanifest", site.manifest, name="manifest"),
    path("sw.js", site.service_worker, name="service_worker"),
    path("offline/", site.offline, name="offline"),
    path("media-proxy/<str:signed>/", site.media_proxy, name="media_proxy"),
]
