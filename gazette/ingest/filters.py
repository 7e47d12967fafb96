"""Keyword and regex rules that keep or drop feed entries before anything is fetched."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

from gazette.ingest.feeds import FeedEntry


@dataclass(frozen=True)
class EntryRule:
    action: str  # "keep" or "drop"
    field: str  # "any", "title", "content", "url", "author"
    pattern: str
    is_regex: bool = False

    @cached_property
    def _regex(self) -> re.Pattern[str]:
        if self.is_regex:
            return re.compile(self.pattern, re.IGNORECASE)
        # Keywords match whole words so "ai" does not match "said".
        return re.compile(rf"(?<!\w){re.escape(self.pattern)}(?!\w)", re.IGNORECASE)

    def matches(self, entry: FeedEntry) -> bool:
        return any(self._regex.search(value) for value in _fields(entry, self.field) if value)


def _fields(entry: FeedEntry, field: str) -> list[str]:
    values = {
        "title": [entry.title or ""],
        "content": [entry.summary or "", entry.content or ""],
        "url": [entry.url or ""],
        "author": [entry.author or ""],
    }
    if field == "any":
        return values["title"] + values["content"] + values["url"]
    return values[field]


def rule_error(pattern: str, is_regex: bool) -> str | None:
    """Why a rule pattern is unusable, or None; checked when an operator saves a rule."""
    if not pattern.strip():
        return "empty pattern"
    if is_regex:
        try:
            re.compile(pattern)
        except re.error as exc:
            return f"invalid regular expression: {exc}"
    return None


def entries_filter(entries: Iterable[FeedEntry], rules: Sequence[EntryRule]) -> list[FeedEntry]:
    """Drop entries matching any drop rule; when keep rules exist, keep only entries matching one of them."""
    drops = [r for r in rules if r.action == "drop"]
    keeps = [r for r in rules if r.action == "keep"]
    kept = []
    for entry in entries:
        if any(rule.matches(entry) for rule in drops):
            continue
        if keeps and not any(rule.matches(entry) for rule in keeps):
            continue
        kept.append(entry)
    return kept
