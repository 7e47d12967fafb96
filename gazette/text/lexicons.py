"""The word lists and lexicons in data/: read here, once each, and nowhere else.

Lists live in files rather than in code so that they can be reviewed and changed without touching a
module, and so that no module keeps a private copy that drifts (tests/text/test_guard.py checks).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


@cache
def word_list(name: str) -> frozenset[str]:
    """The words of data/<name>.txt: whitespace-separated, "#" starts a comment."""
    text = (DATA / f"{name}.txt").read_text("utf-8")
    return frozenset(word for line in text.splitlines() for word in line.split("#", 1)[0].split())


@cache
def lexicon(name: str) -> dict[str, Any]:
    """The object in data/<name>.json (its "_about" key explains it and is left out)."""
    data = json.loads((DATA / f"{name}.json").read_text("utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"lexicons: data/{name}.json must hold an object")
    return {key: value for key, value in data.items() if key != "_about"}
