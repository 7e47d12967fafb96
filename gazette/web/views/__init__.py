"""Reader-facing pages, one module per page family."""
