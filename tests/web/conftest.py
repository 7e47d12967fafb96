"""Web test setup: plain static storage (no collectstatic manifest needed) and a fresh cache per test."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _web_settings(settings, tmp_path_factory):
    settings.STATIC_ROOT = tmp_path_factory.getbasetemp() / "static"
    settings.STATIC_ROOT.mkdir(exist_ok=True)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.GAZETTE_MEDIA_PROXY = False
    cache.clear()
    yield
    cache.clear()
