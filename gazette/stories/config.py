"""The embedding model setting, read from the environment once at start-up and validated."""

from __future__ import annotations

import os
from pathlib import Path

from gazette.conf import ConfigError, env_str

DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"
EMBEDDING_MODEL_VAR = "GAZETTE_EMBEDDING_MODEL"


def model_is_path(spec: str) -> bool:
    """Whether a model name means a folder on disk rather than a name in the Hugging Face cache."""
    # "org/model" is a Hub name, not a relative path, unless such a folder exists here.
    return spec.startswith((".", "~", os.sep)) or Path(spec).expanduser().exists()


def embedding_model_from_env() -> str:
    """GAZETTE_EMBEDDING_MODEL, else the bundled model; a path must be an existing folder."""
    spec = env_str(EMBEDDING_MODEL_VAR).strip() or DEFAULT_EMBEDDING_MODEL
    if model_is_path(spec) and not Path(spec).expanduser().is_dir():
        raise ConfigError(
            f"{EMBEDDING_MODEL_VAR}={spec!r}: no folder at {Path(spec).expanduser()} (a sentence-transformers "
            f"model folder, or unset for the bundled {DEFAULT_EMBEDDING_MODEL})"
        )
    return spec
