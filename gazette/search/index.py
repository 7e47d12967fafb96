"""The full-text index's DDL, shared by the migration and the post-migrate check.

On SQLite, Django rebuilds a table (and so drops its triggers) when some migrations alter it; the
post-migrate check puts missing triggers back and rebuilds the index, so search never goes silently stale.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS web_article_fts USING fts5(
        title, summary, content_text,
        content='articles_article', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER IF NOT EXISTS web_article_fts_ai AFTER INSERT ON articles_article BEGIN
        INSERT INTO web_article_fts(rowid, title, summary, content_text)
        VALUES (new.id, new.title, new.summary, new.content_text);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS web_article_fts_ad AFTER DELETE ON articles_article BEGIN
        INSERT INTO web_article_fts(web_article_fts, rowid, title, summary, content_text)
        VALUES ('delete', old.id, old.title, old.summary, old.content_text);
    END
    """,
    # Only when indexed columns change, so routine updates (duplicate_of, fetched_at) cost nothing.
    """
    CREATE TRIGGER IF NOT EXISTS web_article_fts_au AFTER UPDATE OF title, summary, content_text
    ON articles_article BEGIN
        INSERT INTO web_article_fts(web_article_fts, rowid, title, summary, content_text)
        VALUES ('delete', old.id, old.title, old.summary, old.content_text);
        INSERT INTO web_article_fts(rowid, title, summary, content_text)
        VALUES (new.id, new.title, new.summary, new.content_text);
    END
    """,
    "INSERT INTO web_article_fts(web_article_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS web_article_fts_au",
    "DROP TRIGGER IF EXISTS web_article_fts_ad",
    "DROP TRIGGER IF EXISTS web_article_fts_ai",
    "DROP TABLE IF EXISTS web_article_fts",
]


def pg_vector_sql(alias: str = "") -> str:
    """The weighted tsvector expression (title A, summary B, text C); the index and the queries share it."""
    prefix = f"{alias}." if alias else ""
    parts = [("title", "A"), ("summary", "B"), ("content_text", "C")]
    return " || ".join(
        f"setweight(to_tsvector('english'::regconfig, coalesce({prefix}{column}, '')), '{weight}')"
        for column, weight in parts
    )


POSTGRES_FORWARD = [
    f"CREATE INDEX IF NOT EXISTS web_article_search ON articles_article USING GIN (({pg_vector_sql()}))",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS web_article_search"]

# Migration 0002: the vector stored in a generated column. Ranking reads it instead of parsing every
# matching article's text again; at a million articles a common word's search went from seconds to
# milliseconds (bench/web_million.py). PostgreSQL computes the column on every insert and update, as it
# computed the expression index before; the model does not declare it, so Django never writes it.
PG_VECTOR_COLUMN = "search_vector"
POSTGRES_VECTOR_FORWARD = [
    # First, or adding the column (a rewrite of the table) would rebuild the old index for nothing.
    "DROP INDEX IF EXISTS web_article_search",
    f"ALTER TABLE articles_article ADD COLUMN IF NOT EXISTS {PG_VECTOR_COLUMN} tsvector "
    f"GENERATED ALWAYS AS ({pg_vector_sql()}) STORED",
    f"CREATE INDEX IF NOT EXISTS web_article_search_vector ON articles_article USING GIN ({PG_VECTOR_COLUMN})",
    # The planner picks the date index or this one by how common the words are: it needs their counts.
    "ANALYZE articles_article",
]
POSTGRES_VECTOR_BACKWARD = [
    *POSTGRES_FORWARD,
    "DROP INDEX IF EXISTS web_article_search_vector",
    f"ALTER TABLE articles_article DROP COLUMN IF EXISTS {PG_VECTOR_COLUMN}",
]

TRIGGERS = ("web_article_fts_ai", "web_article_fts_ad", "web_article_fts_au")


def search_index_create(connection) -> None:
    """Create the index for this database vendor (used by migration 0001)."""
    statements = {"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}.get(connection.vendor, [])
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def search_vector_create(connection) -> None:
    """Store the search vector in a column on PostgreSQL (used by migration 0002); nothing on SQLite."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for sql in POSTGRES_VECTOR_FORWARD:
                cur.execute(sql)


def search_vector_drop(connection) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            for sql in POSTGRES_VECTOR_BACKWARD:
                cur.execute(sql)


def search_index_drop(connection) -> None:
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}.get(connection.vendor, [])
    with connection.cursor() as cur:
        for sql in statements:
            cur.execute(sql)


def search_index_ensure(*, using: str = "default", **kwargs) -> None:
    """After migrations: on SQLite, recreate lost triggers and rebuild the index."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    if not MigrationRecorder(connection).migration_qs.filter(app="web", name="0001_search_index").exists():
        return
    with connection.cursor() as cur:
        cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'web_article_fts_%'")
        present = {row[0] for row in cur.fetchall()}
    if set(TRIGGERS) <= present:
        return
    log.warning("search: index triggers missing (%s), rebuilding", ", ".join(sorted(set(TRIGGERS) - present)))
    search_index_create(connection)
