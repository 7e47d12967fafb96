from django.urls import path

from gazette.web.views import articles, front, search, site, sources, stories, topics, translate

app_name = "web"

urlpatterns = [
    path("", front.front, name="front"),
    path("article/<int:pk>/", articles.article, name="article"),
    path("article/<int:pk>/ai/", articles.article_ai, name="article_ai"),
    path("article/<int:pk>/ask/", articles.article_ask, name="article_ask"),
    path("article/<int:pk>/translate/", translate.article_translate, name="article_translate"),
    path("article/<int:pk>/<slug:slug>/", articles.article, name="article_slug"),
    path("stories/", stories.story_list, name="stories"),
    path("story/<int:pk>/", stories.story_detail, name="story"),
    path("story/<int:pk>/digest/", stories.story_digest, name="story_digest"),
    path("story/<int:pk>/ask/", stories.story_ask, name="story_ask"),
    path("blindspots/", stories.blindspots, name="blindspots"),
    path("sources/", sources.source_list, name="sources"),
    path("source/<int:pk>/", sources.source_detail, name="source"),
    path("topic/<slug:slug>/", topics.topic, name="topic"),
    path("category/<slug:slug>/", topics.category, name="category"),
    path("entity/<slug:slug>/", topics.entity, name="entity"),
    path("search", search.search, name="search"),
    path("theme/", site.theme, name="theme"),
    path("manifest.webmanifest", site.manifest, name="manifest"),
    path("sw.js", site.service_worker, name="service_worker"),
    path("offline/", site.offline, name="offline"),
    path("media-proxy/<str:signed>/", site.media_proxy, name="media_proxy"),
]
