"""Enrichment's embedding model is the one the settings name."""

from __future__ import annotations

import logging

import pytest

from gazette.stories.embeddings import embedder_available
from gazette.stories.enrich import embedder_get, embedder_reset


@pytest.mark.skipif(not embedder_available(), reason="torch and sentence-transformers not installed")
def test_the_model_loaded_is_the_one_in_the_settings(settings, tmp_path, caplog):
    settings.GAZETTE_EMBEDDINGS = True
    settings.GAZETTE_EMBEDDING_MODEL = str(tmp_path / "gone")  # past start-up's check: the load says so
    embedder_reset()
    with caplog.at_level(logging.ERROR):
        assert embedder_get() is None
    assert str(tmp_path / "gone") in caplog.text
