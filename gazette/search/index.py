"""The full-text index's DDL, shared by the migration and the post-migrate check.

On SQLite, Django rebuilds a table (and so drops its triggers) when some migrations alter it; the
post-migrate check puts missing triggers back and rebuilds the index, so search never goes silently stale.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

# Migration 0004: Porter stems over unicode61, so "recall" finds "recalls" and "rates" finds "rate".
SQLITE_TOKENIZER = "porter unicode61 remove_diacritics 2"
SQLITE_TOKENIZER_0001 = "unicode61 remove_diacritics 2"
# The index's own terms (stems) with their document counts, read by the spelling suggestions.
FTS_VOCAB_TABLE = "web_article_fts_vocab"


def sqlite_forward(tokenizer: str = SQLITE_TOKENIZER) -> list[str]:
    """The FTS5 table with this tokenizer, its sync triggers and vocabulary, then a rebuild."""
    return [
        f"""
    CREATE VIRTUAL TABLE IF NOT EXISTS web_article_fts USING fts5(
        title, summary, content_text,
        content='articles_article', content_rowid='id',
        tokenize='{tokenizer}'
    )
    """,
        *SQLITE_TRIGGERS,
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_VOCAB_TABLE} USING fts5vocab(web_article_fts, 'row')",
        "INSERT INTO web_article_fts(web_article_fts) VALUES ('rebuild')",
    ]


SQLITE_TRIGGERS = [
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
]
SQLITE_FORWARD = sqlite_forward()
SQLITE_BACKWARD = [
    f"DROP TABLE IF EXISTS {FTS_VOCAB_TABLE}",
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

# Migration 0004 on PostgreSQL: the lexemes of every article's vector, kept by a trigger, with a trigram
# index (pg_trgm, from contrib) so a misspelt word finds its neighbours without reading every article.
# Words are never removed when articles go: a suggestion is checked against the index before it is shown.
PG_WORD_TABLE = "web_search_word"
_WORDS_FILL = (
    f"INSERT INTO {PG_WORD_TABLE} (word) SELECT word FROM ts_stat('SELECT {PG_VECTOR_COLUMN} FROM articles_article') "  # noqa: S608
    "ORDER BY word ON CONFLICT DO NOTHING"
)
POSTGRES_WORDS_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE TABLE IF NOT EXISTS {PG_WORD_TABLE} (word text PRIMARY KEY)",
    f"CREATE INDEX IF NOT EXISTS {PG_WORD_TABLE}_trgm ON {PG_WORD_TABLE} USING GIN (word gin_trgm_ops)",
    # Sorting one row's words is not enough: a poll stores several articles in one transaction, and two
    # such transactions interleave their rows' words and deadlock on the word index (seen with two
    # workers on the demo). A transaction that has new words takes one advisory lock, held to its
    # commit, before inserting any, so word inserts never wait on each other in a cycle.
    f"""
    CREATE OR REPLACE FUNCTION {PG_WORD_TABLE}_add() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM unnest(NEW.{PG_VECTOR_COLUMN}) AS l
                   WHERE NOT EXISTS (SELECT 1 FROM {PG_WORD_TABLE} w WHERE w.word = l.lexeme)) THEN
            PERFORM pg_advisory_xact_lock(hashtext('{PG_WORD_TABLE}'));
            INSERT INTO {PG_WORD_TABLE} (word)
            SELECT lexeme FROM unnest(NEW.{PG_VECTOR_COLUMN}) ORDER BY lexeme ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
    END $$
    """,  # noqa: S608 - table names only
    f"DROP TRIGGER IF EXISTS {PG_WORD_TABLE}_ai ON articles_article",
    f"""
    CREATE TRIGGER {PG_WORD_TABLE}_ai AFTER INSERT OR UPDATE OF title, summary, content_text
    ON articles_article FOR EACH ROW EXECUTE FUNCTION {PG_WORD_TABLE}_add()
    """,
    _WORDS_FILL,
]
POSTGRES_WORDS_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {PG_WORD_TABLE}_ai ON articles_article",
    f"DROP FUNCTION IF EXISTS {PG_WORD_TABLE}_add()",
    f"DROP TABLE IF EXISTS {PG_WORD_TABLE}",
]


def search_stems_create(connection) -> None:
    """Rebuild the SQLite index with stems; on PostgreSQL, add the word list (used by migration 0004)."""
    _search_index_replace(connection, SQLITE_TOKENIZER, POSTGRES_WORDS_FORWARD)


def search_words_lock(connection) -> None:
    """Replace the word list's trigger function with the one that cannot deadlock (migration 0005)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(POSTGRES_WORDS_FORWARD[3])


def search_stems_drop(connection) -> None:
    _search_index_replace(connection, SQLITE_TOKENIZER_0001, POSTGRES_WORDS_BACKWARD)


def _search_index_replace(connection, tokenizer: str, postgres: list[str]) -> None:
    statements = {"sqlite": [*SQLITE_BACKWARD, *sqlite_forward(tokenizer)], "postgresql": postgres}
    with connection.cursor() as cur:
        for sql in statements.get(connection.vendor, []):
            cur.execute(sql)


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
