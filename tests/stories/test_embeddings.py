"""The sentence-embedding model: loads from disk offline, embeds, and fails clearly when misconfigured."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import numpy as np
import pytest

from gazette.conf import ConfigError
from gazette.stories import embeddings
from gazette.stories.embeddings import (
    DEFAULT_MODEL,
    Embedder,
    EmbeddingModelError,
    article_text_for_embedding,
    embedder_available,
)

needs_model = pytest.mark.skipif(
    not embedder_available(), reason="torch and sentence-transformers not installed (requirements-models.txt)"
)


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    model = Embedder()
    model.load()
    return model


def test_article_text_is_title_then_lead():
    text = article_text_for_embedding("Storm hits coast", "one two  three\nfour five", max_words=3)
    assert text == "Storm hits coast. one two three"


def test_article_text_keeps_title_punctuation_and_handles_blanks():
    assert article_text_for_embedding("Who won?", "The home side.") == "Who won? The home side."
    assert article_text_for_embedding("", "  body only ") == "body only"
    assert article_text_for_embedding(" Title only ", "") == "Title only"


def test_the_model_is_the_setting_and_the_bundled_one_by_default(settings_from, monkeypatch, tmp_path):
    monkeypatch.delenv(embeddings.ENV_VAR, raising=False)
    assert settings_from()["GAZETTE_EMBEDDING_MODEL"] == DEFAULT_MODEL == Embedder().name
    (tmp_path / "mine").mkdir()
    assert settings_from(GAZETTE_EMBEDDING_MODEL=str(tmp_path / "mine"))["GAZETTE_EMBEDDING_MODEL"] == str(
        tmp_path / "mine"
    )
    assert Embedder("other").name == "other"


def test_missing_model_path_is_a_clear_error(tmp_path):
    missing = tmp_path / "no-such-model"
    with pytest.raises(EmbeddingModelError, match="no folder at") as error:
        Embedder(str(missing)).load()
    assert str(missing) in str(error.value)
    assert embeddings.ENV_VAR in str(error.value)


def test_missing_model_path_in_the_environment_stops_start_up(settings_from, tmp_path):
    with pytest.raises(ConfigError, match=f"{embeddings.ENV_VAR}=.*no folder at"):
        settings_from(GAZETTE_EMBEDDING_MODEL=str(tmp_path / "gone"))


def test_unavailable_without_torch(monkeypatch, tmp_path):
    real_find_spec = embeddings.importlib.util.find_spec
    monkeypatch.setattr(
        embeddings.importlib.util, "find_spec", lambda name: None if name == "torch" else real_find_spec(name)
    )
    assert not embedder_available()
    monkeypatch.setattr(embeddings, "_models", {})
    with pytest.raises(EmbeddingModelError, match="requirements-models.txt"):
        Embedder(str(tmp_path)).load()


@needs_model
def test_bundled_model_loads_offline_and_embeds(embedder):
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert embedder.name == DEFAULT_MODEL
    assert embedder.dim == 384
    vectors = embedder.embed(["The cat sat on the mat.", "Markets fell sharply on Monday."])
    assert vectors.shape == (2, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@needs_model
def test_similar_sentences_are_closer_than_unrelated_ones(embedder):
    rates, fed, football = embedder.embed(
        [
            "The central bank raised interest rates by half a percentage point to fight inflation.",
            "The Federal Reserve increased borrowing costs as prices kept climbing.",
            "The striker scored twice as United won the cup final at Wembley.",
        ]
    )
    assert rates @ fed > rates @ football + 0.2
    assert rates @ fed > fed @ football + 0.2


@needs_model
def test_empty_input_gives_an_empty_matrix(embedder):
    assert embedder.embed([]).shape == (0, 384)


@needs_model
def test_model_is_loaded_once_per_process(embedder):
    again = Embedder("sentence-transformers/all-MiniLM-L6-v2")
    assert again._loaded()[0] is embedder._loaded()[0]


@needs_model
def test_a_model_folder_path_loads(embedder):
    folder = embeddings._bundled_model_path()
    by_path = Embedder(str(folder))
    assert by_path.dim == 384
    np.testing.assert_allclose(by_path.embed(["hello"]), embedder.embed(["hello"]), atol=1e-6)


@needs_model
def test_unknown_model_name_is_not_downloaded():
    with pytest.raises(EmbeddingModelError, match="never downloads"):
        Embedder("gazette-tests/no-such-model").load()


@needs_model
def test_a_folder_that_is_not_a_model_is_a_clear_error(tmp_path):
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(EmbeddingModelError, match="not a sentence-transformers model folder"):
        Embedder(str(tmp_path)).load()


@needs_model
def test_concurrent_embedding_matches_serial(embedder):
    texts = [f"Article number {i} about the election results in district {i}." for i in range(40)]
    expected = embedder.embed(texts)
    results: list[np.ndarray] = [np.zeros(0)] * 4
    errors: list[BaseException] = []

    def work(slot: int) -> None:
        try:
            results[slot] = embedder.embed(texts, batch_size=8)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(slot,)) for slot in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for result in results:
        np.testing.assert_allclose(result, expected, atol=1e-5)


@needs_model
def test_threads_cap_torch_for_the_whole_process():
    # A process of its own: torch's thread count is process-wide, and this one has loaded a model.
    code = (
        "import threading, torch\n"
        "from gazette.stories.embeddings import Embedder\n"
        "before = torch.get_num_threads()\n"
        "Embedder(threads=1).load()\n"
        "seen = []\n"
        "thread = threading.Thread(target=lambda: seen.append(torch.get_num_threads()))\n"
        "thread.start(); thread.join()\n"
        "print(before, torch.get_num_threads(), seen[0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    before, after, other_thread = map(int, out.stdout.split())
    assert (after, other_thread) == (1, 1), f"torch used {before} thread(s) before the load"


@needs_model
@pytest.mark.slow
@pytest.mark.skipif(embeddings._MALLOC_TRIM is None, reason="malloc_trim is glibc's")
def test_a_pass_hands_its_memory_back():
    # Processes of their own, one with the release switched off: RSS after the same passes (large
    # ones: after smaller passes glibc sometimes reuses the freed blocks by itself; at 48 texts a pass
    # one run in a few kept only 18 MB more without the release, at 96 the gap here was 330 MB or more).
    code = (
        "import json, sys\n"
        "from gazette.stories import embeddings\n"
        "if sys.argv[1] == 'keep':\n"
        "    embeddings._MALLOC_TRIM = None\n"
        "model = embeddings.Embedder(threads=1)\n"
        "texts = [f'Story {i}: ' + ' '.join(['the council voted on the harbour budget'] * 30) for i in range(96)]\n"
        "for _ in range(3):\n"
        "    model.embed(texts, batch_size=96)\n"
        "status = dict(l.split(':', 1) for l in open('/proc/self/status'))\n"
        "print(int(status['RssAnon'].split()[0]) // 1024)\n"
    )

    def rss_after(mode: str) -> int:
        out = subprocess.run(
            [sys.executable, "-c", code, mode], capture_output=True, text=True, timeout=300, check=True
        )
        return int(out.stdout.split()[-1])

    kept, released = rss_after("keep"), rss_after("release")
    assert released < kept - 30, f"{released} MB with the release, {kept} MB without"
