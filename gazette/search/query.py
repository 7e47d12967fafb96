"""Full-text search over stored articles.

SQLite (the embedded default) uses the FTS5 table `web_article_fts`, kept in sync with the articles table by
triggers; PostgreSQL uses a stored `to_tsvector` column with a GIN index. Both are created by this app's
migrations. Every string that reaches the page is escaped here except the highlight marks.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import DatabaseError, connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from gazette.articles.models import Article
from gazette.search.index import PG_VECTOR_COLUMN
from gazette.sources.models import Source
from gazette.stories.models import ArticleTopic

log = logging.getLogger(__name__)

FTS_TABLE = "web_article_fts"
PG_CONFIG = "english"
# The stored vector of migration 0002 (title A, summary B, text C), with its GIN index.
PG_VECTOR = f"a.{PG_VECTOR_COLUMN}"
MAX_QUERY_CHARS = 300
# Matches ranked for one query: the newest this many. Ranking reads every candidate's vector, so a word in
# a third of a million articles would cost seconds; 1,000 is 50 pages of results.
MAX_HITS = 1000
MAX_TERMS = 16
# Fewer matches than this for every word, and articles with only some of the words are added after them
# ("interest rates" found 3 of 5 articles on a rate rise that all say "rate"), marked as partial.
FEW_HITS = 5
# Private-use characters: cannot occur in stored text, so they survive escaping as unambiguous marks.
MARK_START, MARK_END = "\ue000", "\ue001"

_TERM = re.compile(r'"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+", re.UNICODE)
_TAG = re.compile(r"<[^<>]*>")


@dataclass(frozen=True)
class SearchFilters:
    """Restrictions on a search; all optional."""

    source_id: int | None = None
    category_id: int | None = None  # a source category (Source.categories)
    topic_id: int | None = None  # an article topic (stories.ArticleTopic)
    published_from: datetime | None = None
    published_before: datetime | None = None
    exclude_source_id: int | None = None
    exclude_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Hit:
    article_id: int
    rank: float
    title: SafeString
    snippet: SafeString
    partial: bool = False  # has only some of the query's words


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    prefix: bool = False


def query_terms(raw: str) -> list[Term]:
    """Words and "quoted phrases" of what the reader typed; a trailing * asks for a prefix match."""
    terms: list[Term] = []
    for phrase, bare in _TERM.findall(raw[:MAX_QUERY_CHARS]):
        words = tuple(w[:64] for w in _WORD.findall(phrase or bare))
        if words:
            terms.append(Term(words, prefix=bool(bare) and bare.endswith("*") and len(words) == 1))
        if len(terms) >= MAX_TERMS:
            break
    return terms


def fts5_match(terms: list[Term], *, any_term: bool = False) -> str:
    """An FTS5 MATCH expression built only from quoted words, so no input can be a syntax error."""
    parts = ['"' + " ".join(t.words) + '"' + ("*" if t.prefix else "") for t in terms]
    return (" OR " if any_term else " ").join(parts)


def tsquery_text(terms: list[Term], *, any_term: bool = False) -> str:
    """The same terms for PostgreSQL's to_tsquery: phrases with <->, prefixes with :*.

    Terms hold only word characters, so nothing a reader types can be tsquery syntax.
    """
    parts = []
    for t in terms:
        if len(t.words) > 1:
            parts.append("(" + " <-> ".join(t.words) + ")")
        else:
            parts.append(t.words[0] + (":*" if t.prefix else ""))
    return (" | " if any_term else " & ").join(parts)


def highlight(text: str, *, from_html: bool = False) -> SafeString:
    """Escape a snippet from the database, then turn the marks into <mark> elements."""
    if from_html:
        text = _TAG.sub(" ", text)
        # A snippet may start or end inside a tag; sanitised HTML has no bare < or > in its text.
        text = re.sub(r"^[^<>]*>", "", text)
        text = re.sub(r"<[^<>]*$", "", text)
        text = html.unescape(text)
    text = " ".join(text.split())
    escaped = escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    # Unbalanced marks (a snippet cut inside a match) are closed so the page stays well-formed.
    if escaped.count("<mark>") > escaped.count("</mark>"):
        escaped += "</mark>"
    return mark_safe(escaped)  # noqa: S308 - everything but our own marks is escaped above


def search_articles(
    *,
    q: str,
    filters: SearchFilters = SearchFilters(),
    limit: int = 20,
    offset: int = 0,
    any_term: bool = False,
    count: bool = True,
    relax: bool = True,
) -> tuple[list[Hit], int]:
    """Ranked hits for a reader's query, with highlighted title and snippet, and the count of matches.

    Only the newest MAX_HITS matches are ranked and counted: the count is exact up to MAX_HITS, and
    MAX_HITS + 1 means "more than that". Without `count` the second query is skipped and the count is
    the number of hits returned. With `relax`, fewer than FEW_HITS articles with every word adds those
    with some of them (marked partial).
    """
    terms = query_terms(q)
    if not terms:
        return [], 0
    search = _search_postgres if connection.vendor == "postgresql" else _search_sqlite
    try:
        if relax and not any_term and len(terms) > 1:
            _, few = search(terms, filters, 0, 0, any_term=False, count=True, count_limit=FEW_HITS)
            any_term = few < FEW_HITS
        return search(terms, filters, limit, offset, any_term=any_term, count=count)
    except DatabaseError as exc:
        log.warning("search: query %r failed: %s", q[:80], exc)
        return [], 0


def _filter_sql(filters: SearchFilters) -> tuple[list[str], list[Any]]:
    clauses = ["a.duplicate_of_id IS NULL"]
    params: list[Any] = []
    ops = connection.ops
    if filters.source_id is not None:
        clauses.append("a.source_id = %s")
        params.append(filters.source_id)
    if filters.exclude_source_id is not None:
        clauses.append("a.source_id <> %s")
        params.append(filters.exclude_source_id)
    if filters.exclude_ids:
        clauses.append("a.id NOT IN (" + ", ".join(["%s"] * len(filters.exclude_ids)) + ")")
        params.extend(filters.exclude_ids)
    if filters.category_id is not None:
        through = Source.categories.through._meta.db_table
        subquery = f"SELECT source_id FROM {through} WHERE category_id = %s"  # noqa: S608 - a model's table name
        clauses.append(f"a.source_id IN ({subquery})")
        params.append(filters.category_id)
    if filters.topic_id is not None:
        links = ArticleTopic._meta.db_table
        clauses.append(f"a.id IN (SELECT article_id FROM {links} WHERE topic_id = %s)")  # noqa: S608 - a table name
        params.append(filters.topic_id)
    if filters.published_from is not None:
        clauses.append("a.published_at >= %s")
        params.append(ops.adapt_datetimefield_value(filters.published_from))
    if filters.published_before is not None:
        clauses.append("a.published_at < %s")
        params.append(ops.adapt_datetimefield_value(filters.published_before))
    return clauses, params


def _search_sqlite(
    terms: list[Term],
    filters: SearchFilters,
    limit: int,
    offset: int,
    *,
    any_term: bool,
    count: bool,
    count_limit: int | None = None,
) -> tuple[list[Hit], int]:
    table = Article._meta.db_table
    clauses, params = _filter_sql(filters)
    where = " AND ".join([f"{FTS_TABLE} MATCH %s", *clauses])
    every, some = fts5_match(terms), fts5_match(terms, any_term=True)
    match = some if any_term else every
    base = f"FROM {FTS_TABLE} JOIN {table} a ON a.id = {FTS_TABLE}.rowid WHERE {where}"
    newest = f"SELECT a.id {base} ORDER BY a.published_at DESC LIMIT {MAX_HITS}"
    matching = f"a.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"  # noqa: S608 - a table name
    marks = [MARK_START, MARK_END]
    # Articles with every word first, then those whose title has every word, then any of them; within
    # each, bm25() (lower is better) with title matches weighing most.
    sql = (
        f"SELECT a.id, bm25({FTS_TABLE}, 10.0, 2.0, 1.0) AS rank, "
        f"highlight({FTS_TABLE}, 0, %s, %s), "
        f"snippet({FTS_TABLE}, 2, %s, %s, '…', 28), "
        f"snippet({FTS_TABLE}, 1, %s, %s, '…', 28), "
        f"a.content_text <> '', {matching} AS every_word, {matching} AS title_every, {matching} AS title_some "
        f"{base} AND a.id IN ({newest}) "
        f"ORDER BY every_word DESC, title_every DESC, title_some DESC, rank, a.published_at DESC LIMIT %s OFFSET %s"
    )
    keys = [every, "{title} : (" + every + ")", "{title} : (" + some + ")"]
    with connection.cursor() as cur:
        cur.execute(sql, [*marks, *marks, *marks, *keys, match, *params, match, *params, limit, offset])
        rows = cur.fetchall()
        total = len(rows)
        if count:
            window = count_limit or MAX_HITS + 1
            cur.execute(f"SELECT count(*) FROM (SELECT 1 {base} LIMIT {window})", [match, *params])  # noqa: S608
            total = cur.fetchone()[0]
    hits = [
        Hit(
            article_id=row[0],
            rank=-float(row[1]),
            title=highlight(row[2]),
            snippet=highlight(row[3]) if row[5] else highlight(row[4], from_html=True),
            partial=not row[6],
        )
        for row in rows
    ]
    return hits, total


def _search_postgres(
    terms: list[Term],
    filters: SearchFilters,
    limit: int,
    offset: int,
    *,
    any_term: bool,
    count: bool,
    count_limit: int | None = None,
) -> tuple[list[Hit], int]:
    table = Article._meta.db_table
    clauses, params = _filter_sql(filters)
    query = "to_tsquery('english'::regconfig, %s)"
    where = " AND ".join([f"{PG_VECTOR} @@ {query}", *clauses])
    every, some = tsquery_text(terms), tsquery_text(terms, any_term=True)
    text = some if any_term else every
    options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15"
    # The title's lexemes are the vector's weight-A ones.
    title = "ts_filter(vector, '{a}')"
    # Table names and fixed clauses only; every value is a parameter. The newest matches are found
    # first (the planner picks the date index or the GIN index by how common the words are); only they
    # are ranked, and only the page shown gets its headlines. Articles with every word come first, then
    # those whose title has every word, then any of them, then by ts_rank_cd.
    sql = (
        f"WITH newest AS (SELECT a.id, a.published_at, {PG_VECTOR} AS vector FROM {table} a "  # noqa: S608
        f"WHERE {where} ORDER BY a.published_at DESC LIMIT {MAX_HITS}), "
        f"ranked AS (SELECT id, published_at, ts_rank_cd(vector, {query}) AS rank, "
        f"vector @@ {query} AS every_word, {title} @@ {query} AS title_every, {title} @@ {query} AS title_some "
        f"FROM newest ORDER BY every_word DESC, title_every DESC, title_some DESC, rank DESC, published_at DESC "
        f"LIMIT %s OFFSET %s) "
        f"SELECT a.id, ranked.rank, "
        f"ts_headline('english'::regconfig, a.title, {query}, %s), "
        f"ts_headline('english'::regconfig, coalesce(nullif(a.content_text, ''), a.summary), {query}, %s), "
        f"a.content_text <> '', ranked.every_word "
        f"FROM {table} a JOIN ranked ON ranked.id = a.id "
        f"ORDER BY ranked.every_word DESC, ranked.title_every DESC, ranked.title_some DESC, "
        f"ranked.rank DESC, ranked.published_at DESC"
    )
    values: list[Any] = [text, *params, text, every, every, some, limit, offset]
    values += [text, options + ", HighlightAll=true", text, options]
    with connection.cursor() as cur:
        cur.execute(sql, values)
        rows = cur.fetchall()
        total = len(rows)
        if count:
            cur.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {table} a WHERE {where} LIMIT {count_limit or MAX_HITS + 1}) AS m",  # noqa: S608
                [text, *params],
            )
            total = cur.fetchone()[0]
    hits = [
        Hit(
            article_id=row[0],
            rank=float(row[1]),
            title=highlight(row[2]),
            snippet=highlight(row[3], from_html=not row[4]),
            partial=not row[5],
        )
        for row in rows
    ]
    return hits, total
