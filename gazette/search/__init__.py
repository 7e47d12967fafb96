"""Full-text search over stored articles: the index (SQLite FTS5 or PostgreSQL tsvector) and its queries.

A domain package without models: the index tables are created by the reader site's migrations
(gazette/web/migrations), where they were first made, so existing databases keep their history.
"""
