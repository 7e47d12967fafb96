"""`gazette cluster IN.jsonl`: assign every article of a JSON-lines file to a story, as the live system would."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gazette.stories.clustering import ClusterDoc, ClusterOptions, cluster


def _published(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    # Naive times are read as UTC so that naive and aware inputs can be ordered together.
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def docs_read(lines: list[str]) -> list[ClusterDoc]:
    """Parse input lines {"id", "title", "text", "url"?, "published"?, "source"?} into documents."""
    docs = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {number}: not JSON ({exc.msg})") from exc
        if not isinstance(row, dict) or "id" not in row:
            raise ValueError(f'line {number}: an object with an "id" is required')
        docs.append(
            ClusterDoc(
                id=str(row["id"]),
                title=str(row.get("title") or ""),
                text=str(row.get("text") or ""),
                published=_published(row.get("published")),
                source=str(row["source"]) if row.get("source") else None,
            )
        )
    return docs


def cmd_cluster(args: argparse.Namespace) -> int:
    try:
        raw = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
        docs = docs_read(raw.splitlines())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return 1
    options = ClusterOptions() if args.threshold is None else ClusterOptions(threshold=args.threshold)
    if args.embeddings:
        error = _vectors_attach(docs)
        if error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    stories = cluster(docs, options)
    out = sys.stdout
    for doc in docs:
        out.write(json.dumps({"id": doc.id, "story": stories[doc.id]}, ensure_ascii=False) + "\n")
    out.flush()
    return 0


def _vectors_attach(docs: list[ClusterDoc]) -> str | None:
    """Embed every document as the live engine does (title + lead); an error line if the model is missing."""
    from gazette.conf import ConfigError
    from gazette.stories.config import embedding_model_from_env
    from gazette.stories.embeddings import (
        EMBED_WORDS,
        Embedder,
        EmbeddingModelError,
        article_text_for_embedding,
    )

    try:
        # A file-to-file command with no site behind it: its one setting is read when it starts.
        vectors = Embedder(embedding_model_from_env()).embed(
            [article_text_for_embedding(d.title, d.text, max_words=EMBED_WORDS) for d in docs]
        )
    except (ConfigError, EmbeddingModelError) as exc:
        return str(exc)
    for doc, vector in zip(docs, vectors, strict=True):
        doc.vector = vector
    return None


def register(add: Callable[..., argparse.ArgumentParser]) -> None:
    """Add the `cluster` subcommand."""
    p = add(
        "cluster",
        cmd_cluster,
        'Group articles of a JSON-lines file into stories; prints {"id", "story"} per input line, in order.',
    )
    p.add_argument(
        "file", help='JSON lines {"id", "title", "text", "url"?, "published"?, "source"?}; - for stdin'
    )
    p.add_argument(
        "--threshold", type=float, help="similarity an article needs to join a story (default tuned)"
    )
    p.add_argument(
        "--embeddings",
        action="store_true",
        help="also use sentence embeddings, as the live engine does (needs the model stack installed)",
    )
