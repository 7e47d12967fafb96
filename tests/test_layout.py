"""The layout the code promises: domain apps never import the presenters; presenters never import each
other's views or forms."""

from __future__ import annotations

import ast
from pathlib import Path

import gazette

PACKAGE = Path(gazette.__file__).parent
PRESENTERS = ("gazette.web", "gazette.api", "gazette.feeds")
DOMAIN = ("articles", "stories", "search", "sources", "ingest", "jobs", "ai")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def test_domain_apps_do_not_import_the_presenters():
    found = {
        f"{path.relative_to(PACKAGE)} imports {name}"
        for app in DOMAIN
        for path in _modules(app)
        for name in _imports(path)
        if name.startswith(PRESENTERS)
    }
    assert not found


def test_presenters_do_not_import_each_others_views_or_forms():
    found = set()
    for presenter in PRESENTERS:
        folder = presenter.removeprefix("gazette.")
        for path in _modules(folder):
            for name in _imports(path):
                other = name.startswith(PRESENTERS) and not name.startswith(presenter)
                if other and (".views" in name or name.endswith(".forms")):
                    found.add(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not found
