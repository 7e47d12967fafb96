from __future__ import annotations

import pytest

from gazette.ops.health import queue_depth_provider_set


@pytest.fixture(autouse=True)
def _no_queue_provider():
    """The provider is process-wide; each test registers its own, if any."""
    queue_depth_provider_set(None)
    yield
    queue_depth_provider_set(None)


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Error pages link the stylesheet; plain storage needs no collectstatic manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def client(client):
    """The test client, on a host name the site answers to."""
    client.defaults["HTTP_HOST"] = "localhost"
    return client
