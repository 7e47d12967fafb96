"""No module outside gazette/text keeps a stopword list or a country list of its own."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import gazette
from gazette.text.places import country_names
from gazette.text.stopwords import STOPWORDS

PACKAGE = Path(gazette.__file__).parent
# A module naming this many stopwords or single-word country names as literals holds a list of them.
MAX_STOPWORDS = 25
MAX_COUNTRIES = 8
_WORD = re.compile(r"^[a-z][a-z'’-]*$")


def literal_words(source: str) -> set[str]:
    """Lower-case words written as string literals, one a literal or a space-separated list of them."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            parts = node.value.split()
            if parts and all(_WORD.match(p) for p in parts):
                found.update(parts)
    return found


def offenders(root: Path) -> dict[str, tuple[int, int]]:
    """Modules under root (gazette/text and migrations aside) with (stopwords, countries) over the limits."""
    countries = {n for n in country_names() if " " not in n}
    flagged = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0] == "text" or "migrations" in relative.parts:
            continue
        found = literal_words(path.read_text("utf-8"))
        stops, places = len(found & STOPWORDS), len(found & countries)
        if stops >= MAX_STOPWORDS or places >= MAX_COUNTRIES:
            flagged[str(relative)] = (stops, places)
    return flagged


def test_the_guard_sees_a_word_list_written_either_way():
    listed = 'WORDS = frozenset(["the", "of", "and"])\nMORE = "which whom whose".split()\nPROSE = "The end."'
    assert literal_words(listed) == {"the", "of", "and", "which", "whom", "whose"}


def test_no_module_keeps_its_own_stopword_or_country_list():
    assert offenders(PACKAGE) == {}
