"""The NinjaAPI object: routers, documentation served from this site, caching of the public operations."""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from gazette.api import (
    articles,
    comments,
    follows,
    foryou,
    me,
    reading,
    saved,
    search,
    sources,
    stories,
    topics,
)
from gazette.api.caching import api_cache
from gazette.api.errors import errors_install

DESCRIPTION = (
    "What the reader site shows: articles, stories, sources, topics, entities and "
    "search. Lists take `limit` (at most 100) and `offset` and give `count`, `next` and `previous`. "
    "Article text is given only where the article page shows it; otherwise the publisher's excerpt.\n\n"
    "Your own follows, saved articles, read state, For you and comments (the `me`, `follows`, `saved`, "
    "`reading`, `for you` and `comments` operations) need a personal access token, made on the site's "
    "API tokens page and sent as `Authorization: Bearer <token>`; a missing, wrong or revoked token "
    "answers 401. The site's own pages use the session instead, with the CSRF token in `X-CSRFToken` for "
    "changes (else 403)."
)


class SiteSwagger(Swagger):
    """ninja's Swagger page with a language, a phone viewport and readable colours (api/swagger.html)."""

    template = "api/swagger.html"


api = NinjaAPI(
    title="Gazette API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    # Swagger UI's assets come from the ninja app's static files (ninja is in INSTALLED_APPS; without it
    # the page would load them from a CDN). The validator badge, which loads an image from a third-party
    # host, is off too, should a layout that shows it ever be chosen. Deep links are off: they put a link
    # inside each operation's expand button, which a screen reader cannot reach (axe nested-interactive).
    docs=SiteSwagger(settings={"validatorUrl": None, "deepLinking": False}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors_install(api)
# What everyone sees is cached publicly; a reader's own answers never are (api/caching.py).
for module in (articles, stories, sources, topics, search):
    module.router.add_decorator(api_cache, mode="view")
    api.add_router("", module.router)
for module in (me, follows, saved, reading, foryou, comments):
    api.add_router("", module.router)
