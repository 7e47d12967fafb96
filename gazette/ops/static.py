"""static_collect: run collectstatic only when the static files it would collect have changed.

The storage (whitenoise's CompressedManifestStaticFilesStorage) hashes and compresses every file each
time collectstatic runs, changed or not: the admin's, the API docs' and the site's 143 files become 843
(31 MB), about 60 s on a 2-core machine that every `gazette serve` and `gazette web` spent before
answering (bench/restart.py: 89 s to a restart's first answer before, 5 s after). The
sources only change with an upgrade or an edit, so a fingerprint of what collectstatic would read (each
file's path, size and modification time, found by the same finders, plus the versions of the code that
transforms them) is kept beside the collected files, and a start whose fingerprint matches skips the run.
"""

from __future__ import annotations

import hashlib
import logging
import os
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

log = logging.getLogger(__name__)

STAMP_NAME = ".gazette-collected"
MANIFEST_NAME = "staticfiles.json"  # ManifestStaticFilesStorage's default manifest_name
# collectstatic's own default ignore patterns, so the fingerprint covers exactly the files it copies.
IGNORE_PATTERNS = ["CVS", ".*", "*~"]


def static_fingerprint() -> str:
    """A digest of every source static file collectstatic would collect, and of how it collects them."""
    digest = hashlib.sha256()
    for part in (
        settings.STORAGES["staticfiles"]["BACKEND"],
        settings.STATIC_URL,
        version("django"),
        version("whitenoise"),
    ):
        digest.update(f"{part}\0".encode())
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list(IGNORE_PATTERNS):
            stat = os.stat(storage.path(path))
            entries.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n")
    # Finders can list a path twice (two apps with one file): collectstatic keeps the first, and a change
    # of order changes which one, so the order is kept rather than sorted away.
    for entry in entries:
        digest.update(entry.encode())
    return digest.hexdigest()


def static_collect(*, static_root: Path) -> bool:
    """Collect the static files into static_root unless they are there already; True when it ran."""
    fingerprint = static_fingerprint()
    stamp = static_root / STAMP_NAME
    if (static_root / MANIFEST_NAME).exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return False
    log.info("static: collecting and compressing the static files (once, until they change)")
    call_command("collectstatic", interactive=False, verbosity=0)
    # Written only after a complete run: a run cut short leaves the old stamp, which no longer matches.
    partial = stamp.with_name(STAMP_NAME + ".tmp")
    partial.write_text(fingerprint)
    partial.replace(stamp)
    return True
