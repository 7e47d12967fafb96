"""static_collect runs collectstatic (whitenoise's storage, for real) only when the source files change."""

from __future__ import annotations

import gzip
import json
import os

import pytest

from gazette.ops.static import static_collect

CSS = "body { color: #111; background: #fff; }\n" * 40


@pytest.fixture
def static_dirs(settings, tmp_path):
    """A source folder of two files, collected by the site's own storage into a folder of the test's."""
    source, root = tmp_path / "source", tmp_path / "collected"
    source.mkdir()
    (source / "site.css").write_text(CSS)
    (source / "app.js").write_text("document.documentElement.dataset.ready = '1';\n" * 40)
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    return source, root


def manifest(root):
    return json.loads((root / "staticfiles.json").read_text())["paths"]


def test_first_run_collects_hashes_and_compresses(static_dirs):
    _, root = static_dirs
    assert static_collect(static_root=root) is True
    hashed = manifest(root)["site.css"]
    assert gzip.decompress((root / f"{hashed}.gz").read_bytes()).decode() == CSS


def test_unchanged_sources_are_not_collected_again(static_dirs):
    _, root = static_dirs
    static_collect(static_root=root)
    before = os.stat(root / "staticfiles.json")
    assert static_collect(static_root=root) is False
    after = os.stat(root / "staticfiles.json")
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_an_edited_file_is_collected_again(static_dirs):
    source, root = static_dirs
    static_collect(static_root=root)
    old = manifest(root)["site.css"]
    (source / "site.css").write_text(CSS + "main { margin: 0; }\n")
    assert static_collect(static_root=root) is True
    assert manifest(root)["site.css"] != old
    assert (root / manifest(root)["site.css"]).read_text().endswith("main { margin: 0; }\n")


def test_a_new_file_is_collected(static_dirs):
    source, root = static_dirs
    static_collect(static_root=root)
    (source / "extra.css").write_text("p { margin: 0; }\n")
    assert static_collect(static_root=root) is True
    assert "extra.css" in manifest(root)


def test_a_lost_manifest_is_collected_again(static_dirs):
    _, root = static_dirs
    static_collect(static_root=root)
    (root / "staticfiles.json").unlink()
    assert static_collect(static_root=root) is True
    assert "site.css" in manifest(root)


def test_the_command_collects_once(static_dirs, capsys):
    """`gazette collectstatic`, as the Dockerfile runs it, so a container's start finds the files collected."""
    from gazette.cli import main

    _, root = static_dirs
    assert main(["collectstatic"]) == 0
    assert "collected the static files" in capsys.readouterr().err
    assert "site.css" in manifest(root)
    assert main(["collectstatic"]) == 0
    assert "collected already" in capsys.readouterr().err
