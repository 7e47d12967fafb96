"""The story engine's saved state as a snapshot and a journal of what each batch changed.

The state (the clusterer, the copy index, the row of each cluster) is a few MiB pickled, and one batch
changes a small part of it: the document frequencies of its words, the stories its articles joined,
their copy candidates. Rewriting it whole after every batch wrote that whole size per batch, so it is
kept as entries instead: each keyed item of the large mappings (a term's frequency, a story, a copy
candidate) is one entry, every other attribute is one. After a batch `StateJournal.changes` keeps
the entries that differ from those last saved (it remembers a scalar itself, a collection of scalars
the hash of its items, anything else a 64-bit hash of its pickled bytes); `changes_apply` sets them on a
state loaded from the snapshot. Pickle has no such diff of its own, and the objects' shapes are ours,
so the walk is written here, from `ENGINE_SPEC`; a new attribute of the clusterer or the copy index is
saved whole until the spec splits it.

Applying entries one by one keeps what pickling whole keeps, because the spec names what is shared or
ordered: the clusterer's open stories are the same objects as in `all_stories` (saved as their keys and
found there again), and in a mapping a key that moved to the end is saved as dropped and added again.
"""

from __future__ import annotations

import pickle
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

# How an attribute is saved: 0 whole; n > 0 one entry per key n mappings deep (the outer keys are fixed,
# like the clusterer's spaces); "list" one entry per position; ("keys", other) as its keys, each found
# again in attribute `other`; a dict: an object of ours, walked by its own spec.
Spec = dict[str, Any]

CLUSTERER_SPEC: Spec = {
    "df": 2,
    "postings": 2,
    "story_of": 1,
    "all_stories": 1,
    "open": ("keys", "all_stories"),
    "doc_features": 1,
    "doc_vectors": 1,
    "_norms": 1,
    "apart": 1,
    "_proposed": 1,
}
COPIES_SPEC: Spec = {
    "_entries": 1,
    "_seq_of": 1,
    "_groups": 1,
    "_bands": {"_tail": 1, "_segments": "list"},
}
ENGINE_SPEC: Spec = {"_keys": 1, "_snapshot": 1, "clusterer": CLUSTERER_SPEC, "copies": COPIES_SPEC}

_ATTR = "#attr"  # the part of a path after which an object's attribute name follows

Path = tuple[Any, ...]


def _fields(obj: object) -> dict[str, Any]:
    """An object's attributes as pickle saves them (the clusterer leaves out its log(df) cache)."""
    state = obj.__getstate__()  # object.__getstate__: its __dict__
    assert isinstance(state, dict), f"state: {type(obj).__name__} saves no attributes"
    return state


class StateJournal:
    """What was last saved of each entry, to find what a batch changed; one per loaded engine."""

    def __init__(self) -> None:
        # container path -> key -> what tells whether the entry changed since it was saved (_digest)
        self._saved: dict[Path, dict[Any, Any]] = {}

    def changes(self, root: object, spec: Spec = ENGINE_SPEC) -> dict[str, list]:
        """The entries changed since the last call (the first call: all of them), as picklable data,
        {"gone": [path], "set": [(path, value or its pickled bytes)]}, applied in that order; remembers
        them as saved. In a mapping whose order counts, keys that moved are saved as gone and set again,
        at its end."""
        out: dict[str, list] = {"gone": [], "set": []}
        seen: dict[Path, dict[Any, Any]] = {}
        for path, items, ordered in _containers((), root, spec):
            saved = self._saved.get(path, {})
            moved = _moved(saved, items) if ordered and saved else set()
            digests: dict[Any, Any] = {}
            for key, value in items.items():
                digest, data = _digest(value)
                digests[key] = digest
                if key in moved or key not in saved or not _same(saved[key], digest):
                    out["set"].append(((*path, key), value if data is None else _Pickled(data)))
            out["gone"] += [(*path, key) for key in saved if key not in digests or key in moved]
            seen[path] = digests
        self._saved = seen
        return out


_SCALARS = (int, float, str, bytes, bool, type(None))


class _Pickled(bytes):
    """An entry's value as pickled to compare it: saved as those bytes, not pickled again."""


def _digest(value: Any) -> tuple[Any, bytes | None]:
    """What tells whether an entry changed, and its pickled bytes when they were needed for that: a
    scalar is its own (the state holds it anyway), a collection of scalars the hash of its items, any
    other value a 64-bit hash of its pickled bytes."""
    if type(value) in _SCALARS:
        return value, None
    # Only scalar items: an object hashed by its identity would hide a change inside it.
    if isinstance(value, set | frozenset | list | tuple) and all(type(i) in _SCALARS for i in value):
        items = frozenset(value) if isinstance(value, set | frozenset) else tuple(value)
        return hash((type(value), items)), None
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return hash(data), data


def _same(saved: Any, digest: Any) -> bool:
    return type(saved) is type(digest) and saved == digest


def _containers(prefix: Path, obj: object, spec: Spec) -> Iterator[tuple[Path, dict[Any, Any], bool]]:
    """(path, mapping of its entries, whether its order is kept) for every container of the state."""
    whole: dict[str, Any] = {}
    fields = obj if isinstance(obj, dict) else _fields(obj)
    for name, value in fields.items():
        kind = spec.get(name, 0)
        here = (*prefix, _ATTR, name)
        if isinstance(kind, dict):
            yield from _containers(here, value, kind)
        elif kind == "list":
            yield here, dict(enumerate(value)), False
        elif isinstance(kind, tuple):
            whole[name] = list(value)
        elif kind:
            yield from _nested(here, value, kind)
        else:
            whole[name] = value
    yield (*prefix, _ATTR), whole, False


def _nested(path: Path, mapping: dict[Any, Any], depth: int) -> Iterator[tuple[Path, dict[Any, Any], bool]]:
    if depth == 1:
        yield path, mapping, True
        return
    for key, inner in mapping.items():
        yield from _nested((*path, key), inner, depth - 1)


def _moved(saved: dict[Any, int], now: dict[Any, Any]) -> set[Any]:
    """Saved keys to drop and add again so that, after the new keys are added too, the saved mapping
    has the current order: those after the first key that is new or out of the saved order (a key
    dropped and added again stands at the end, so this is usually a few)."""
    position = {key: i for i, key in enumerate(saved)}
    keys = iter(now)
    last = -1
    for key in keys:
        at = position.get(key, -1)
        if at < 0 or at < last:
            return {k for k in (key, *keys) if k in position}
        last = at
    return set()


def changes_apply(root: object, changes: dict[str, list], spec: Spec = ENGINE_SPEC) -> None:
    """Set one batch's changes on a loaded state: drop the gone entries, then set the others in the
    order they were found (new keys of a mapping go at its end, as they did in memory)."""
    lists: dict[int, tuple[list, list[tuple[int, Any]]]] = {}
    for path in changes["gone"]:
        container, key = _container(root, spec, path)
        if isinstance(container, list):
            del container[key:]  # positions are dropped from the end only
        elif isinstance(container, _Attrs):
            container.drop(key)
        else:
            del container[key]
    for path, data in changes["set"]:
        container, key = _container(root, spec, path)
        # Our own pickles, from our own database.
        value = pickle.loads(data) if isinstance(data, _Pickled) else data  # noqa: S301
        if isinstance(container, list):
            lists.setdefault(id(container), (container, []))[1].append((key, value))
        else:
            container[key] = value
    for container, placed in lists.values():
        for position, value in sorted(placed, key=lambda p: p[0]):
            if position < len(container):
                container[position] = value
            else:
                container.append(value)


def state_finish(root: object, spec: Spec = ENGINE_SPEC) -> None:
    """After changes were applied: attributes saved as keys point at the objects again, and objects
    with caches of their own rebuild them (the clusterer's log(df)) as unpickling would."""
    fields = root if isinstance(root, dict) else _fields(root)
    for name, kind in spec.items():
        value = fields[name]
        if isinstance(kind, dict):
            state_finish(value, kind)
        elif isinstance(kind, tuple):
            source = fields[kind[1]]
            setattr(root, name, OrderedDict((key, source[key]) for key in value))
    if not isinstance(root, dict) and hasattr(type(root), "__setstate__"):
        root.__setstate__(_fields(root))  # type: ignore[attr-defined]


class _Attrs:
    """An object's attributes as a mapping, for entries saved whole."""

    def __init__(self, obj: object) -> None:
        self.obj = obj

    def __setitem__(self, name: str, value: Any) -> None:
        setattr(self.obj, name, value)

    def drop(self, name: str) -> None:
        if hasattr(self.obj, name):
            delattr(self.obj, name)


def _container(root: object, spec: Spec, path: Path) -> tuple[Any, Any]:
    """The container an entry's path leads to, and the entry's key in it."""
    obj: Any = root
    kind: Any = spec
    i = 0
    while i < len(path) - 1:
        if path[i] == _ATTR:
            if i == len(path) - 2:  # an attribute saved whole
                return (obj if isinstance(obj, dict) else _Attrs(obj)), path[-1]
            name = path[i + 1]
            obj = obj[name] if isinstance(obj, dict) else getattr(obj, name)
            kind = kind.get(name, 0) if isinstance(kind, dict) else 0
            i += 2
            if not isinstance(kind, dict):
                break
        else:
            raise ValueError(f"state: a path with no attribute: {path!r}")
    for key in path[i:-1]:
        obj = obj[key]
    return obj, path[-1]
