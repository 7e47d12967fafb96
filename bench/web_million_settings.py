"""Settings of the site served by bench/web_million.py: Gazette's own, plus the baseline page's URL.

With GAZETTE_BENCH_CACHE=off every cache is a dummy, so each request runs every query its page needs: the
state right after a new article arrives, which moves the version every page cache is keyed on.
"""

import os

from gazette.settings import *  # noqa: F403

ROOT_URLCONF = "bench.web_million"

if os.environ.get("GAZETTE_BENCH_CACHE") == "off":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
