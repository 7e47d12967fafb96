"""Feed robustness bench: every document of feedparser's test suite is parsed or cleanly rejected.

Reads the documents from ../shared/data/feeds-dev at run time (they are never copied into the repo),
runs gazette.ingest.feeds.parse_feed on each in a worker process with a time budget, and reports
parsed / rejected / crashes / hangs and the slowest document. Each document's header states what a
correct parse yields ("Expect: not bozo and feed['title'] == 'Example feed'"); where that condition
is simple, a small AST interpreter (never eval) checks it against feedparser's result, both as
Gazette calls feedparser and with feedparser's defaults.

    .venv/bin/python bench/feed_robustness.py [--data PATH] [--limit N] [--budget SECONDS]

Exits non-zero when a crash or a hang is found.
"""

from __future__ import annotations

import argparse
import ast
import collections
import datetime
import io
import multiprocessing
import re
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import feedparser  # noqa: E402

from gazette.ingest.feeds import INTERNAL_ERROR, FeedError, feedparser_result, parse_feed  # noqa: E402

DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "feeds-dev"
HEADER_BYTES = 4096

_EXPECT = re.compile(r"Expect:\s*(.*?)\s*-->", re.S)
_SKIP_UNLESS = re.compile(r"SkipUnless:")
_HEADER = re.compile(r"^Header:\s+([^:]+):(.*)$", re.M)


# ---------------------------------------------------------------------------------------------------
# A restricted evaluator for the "Expect:" conditions: data access and comparisons only.


class Unsupported(Exception):
    """The condition uses something the restricted evaluator does not allow; it is not counted."""


class ConditionError(Exception):
    """Evaluating the condition failed (missing key and the like): the expectation does not hold."""


_COMPARE = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Is: lambda a, b: a is b,
    ast.IsNot: lambda a, b: a is not b,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
}
_SAFE_NAMES: dict[str, Any] = {"True": True, "False": False, "None": None, "datetime": datetime}
_SAFE_CALLS = {len, ord, isinstance, datetime.timedelta, datetime.datetime, datetime.timezone}
_SAFE_MODULE_ATTRS = {(datetime, "timedelta"), (datetime, "datetime"), (datetime, "timezone")}
_SAFE_METHODS = {"get", "keys", "values", "items"}
_SAFE_FUNCTIONS = {"len": len, "ord": ord, "isinstance": isinstance}


class ConditionEvaluator:
    """Interprets an expression AST over a feedparser result without eval."""

    def __init__(self, result: Any) -> None:
        self.result = result

    def evaluate(self, source: str) -> bool:
        try:
            tree = ast.parse(source, mode="eval")
        except SyntaxError as exc:
            raise Unsupported("syntax") from exc
        try:
            return bool(self.node(tree.body))
        except (Unsupported, ConditionError):
            raise
        except Exception as exc:  # noqa: BLE001 - any failure of a data access means "does not hold"
            raise ConditionError(str(exc)) from exc

    def node(self, n: ast.AST) -> Any:
        method = getattr(self, f"visit_{type(n).__name__}", None)
        if method is None:
            raise Unsupported(type(n).__name__)
        return method(n)

    def visit_Constant(self, n: ast.Constant) -> Any:
        return n.value

    def visit_Name(self, n: ast.Name) -> Any:
        if n.id in _SAFE_NAMES:
            return _SAFE_NAMES[n.id]
        if n.id in _SAFE_FUNCTIONS:
            return _SAFE_FUNCTIONS[n.id]
        if n.id in self.result:
            return self.result[n.id]
        if n.id in ("locals", "globals", "feedparser", "eval", "exec", "__import__"):
            raise Unsupported(n.id)
        raise ConditionError(f"name {n.id!r} not in result")

    def visit_BoolOp(self, n: ast.BoolOp) -> Any:
        value: Any = None
        for operand in n.values:
            value = self.node(operand)
            if isinstance(n.op, ast.And) and not value:
                return value
            if isinstance(n.op, ast.Or) and value:
                return value
        return value

    def visit_UnaryOp(self, n: ast.UnaryOp) -> Any:
        operand = self.node(n.operand)
        if isinstance(n.op, ast.Not):
            return not operand
        if isinstance(n.op, ast.USub):
            return -operand
        raise Unsupported(type(n.op).__name__)

    def visit_BinOp(self, n: ast.BinOp) -> Any:
        if not isinstance(n.op, ast.Add):
            raise Unsupported(type(n.op).__name__)
        left, right = self.node(n.left), self.node(n.right)
        if not all(isinstance(v, int | float | str) for v in (left, right)):
            raise Unsupported("addition of non-scalars")
        return left + right

    def visit_Compare(self, n: ast.Compare) -> Any:
        left = self.node(n.left)
        for op, comparator in zip(n.ops, n.comparators, strict=True):
            right = self.node(comparator)
            if type(op) not in _COMPARE:
                raise Unsupported(type(op).__name__)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True

    def visit_Subscript(self, n: ast.Subscript) -> Any:
        value, key = self.node(n.value), self.node(n.slice)
        if not isinstance(value, dict | list | tuple | str):
            raise Unsupported(f"subscript of {type(value).__name__}")
        return value[key]

    def visit_Attribute(self, n: ast.Attribute) -> Any:
        if n.attr.startswith("_"):
            raise Unsupported("private attribute")
        value = self.node(n.value)
        if (value, n.attr) in _SAFE_MODULE_ATTRS:
            return getattr(value, n.attr)
        if isinstance(value, dict):
            if n.attr in _SAFE_METHODS:
                return getattr(value, n.attr)
            if isinstance(value, feedparser.FeedParserDict):
                return value[n.attr]  # FeedParserDict answers attributes from its keys
        raise Unsupported(f"attribute {n.attr!r} of {type(value).__name__}")

    def visit_Call(self, n: ast.Call) -> Any:
        if n.keywords:
            raise Unsupported("keyword arguments")
        func = self.node(n.func)
        allowed = func in _SAFE_CALLS or (
            getattr(func, "__name__", "") in _SAFE_METHODS
            and isinstance(getattr(func, "__self__", None), dict)
        )
        if not allowed:
            raise Unsupported("call")
        return func(*(self.node(a) for a in n.args))

    def visit_Tuple(self, n: ast.Tuple) -> Any:
        return tuple(self.node(e) for e in n.elts)

    def visit_List(self, n: ast.List) -> Any:
        return [self.node(e) for e in n.elts]

    def visit_Dict(self, n: ast.Dict) -> Any:
        if any(k is None for k in n.keys):
            raise Unsupported("dict unpacking")
        return {self.node(k): self.node(v) for k, v in zip(n.keys, n.values, strict=True) if k is not None}


def expectation_holds(condition: str, result: Any) -> bool | None:
    """True/False when the condition could be evaluated safely, None when it is not supported."""
    try:
        return ConditionEvaluator(result).evaluate(condition)
    except Unsupported:
        return None
    except ConditionError:
        return False


# ---------------------------------------------------------------------------------------------------
# One document, in a worker process


class Timeout(BaseException):
    """Raised by the alarm; a BaseException so no "except Exception" in the parser can swallow it."""


@dataclass
class Outcome:
    path: str
    status: str  # parsed | rejected | crash | hang
    message: str
    seconds: float
    gazette_expectation: bool | None = None
    feedparser_expectation: bool | None = None


def _on_alarm(signum: int, frame: Any) -> None:
    raise Timeout


def _document_context(path: Path, data: bytes) -> tuple[str | None, dict[str, str], str]:
    """The document's Expect condition (unless skipped), HTTP headers if it is served, and its URL."""
    head = data[:HEADER_BYTES].decode("utf-8", "replace").replace("\x00", "")
    headers = {k.strip().lower(): v.strip() for k, v in _HEADER.findall(head)}
    expect = _EXPECT.search(head)
    condition = None if not expect or _SKIP_UNLESS.search(head) else expect.group(1).strip()
    if (headers or "/http/" in path.as_posix()) and "content-type" not in headers:
        headers["content-type"] = "text/xml"  # what feedparser's own harness serves by default
    return condition, headers, f"http://127.0.0.1:8097/{path.name}"


def check_document(args: tuple[str, float]) -> Outcome:
    name, budget = args
    path = Path(name)
    data = path.read_bytes()
    condition, headers, url = _document_context(path, data)
    content_type = headers.get("content-type")
    started = time.perf_counter()
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, budget)
    try:
        try:
            parsed = parse_feed(data, url, content_type)
            status, message = "parsed", f"{parsed.kind}, {len(parsed.entries)} entries"
        except FeedError as exc:
            message = str(exc)
            status = "crash" if message.startswith(INTERNAL_ERROR) else "rejected"
        except Timeout:
            raise
        except Exception as exc:  # noqa: BLE001 - a crash is what this bench exists to count
            status, message = "crash", f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - started
        outcome = Outcome(name, status, message.split("\n")[0][:200], seconds)
        if condition:
            result = feedparser_result(data, content_type)
            outcome.gazette_expectation = expectation_holds(condition, result)
            # feedparser's harness serves documents with headers over HTTP, the others from a string
            served = {"content-location": url} | headers if headers else {}
            defaults = feedparser.parse(io.BytesIO(data), response_headers=served)
            outcome.feedparser_expectation = expectation_holds(condition, defaults)
        return outcome
    except Timeout:
        return Outcome(name, "hang", f"over the {budget:g} s budget", time.perf_counter() - started)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


# ---------------------------------------------------------------------------------------------------


def _tally(values: list[bool | None]) -> str:
    held = sum(1 for v in values if v is True)
    evaluated = sum(1 for v in values if v is not None)
    share = f" ({held / evaluated:.1%})" if evaluated else ""
    return f"{held} of {evaluated} evaluable hold{share}; {len(values) - evaluated} not evaluable"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of feed documents")
    parser.add_argument("--limit", type=int, default=0, help="check only the first N documents")
    parser.add_argument("--budget", type=float, default=5.0, help="seconds allowed per document")
    parser.add_argument("--workers", type=int, default=max(1, (multiprocessing.cpu_count() or 2) - 1))
    parser.add_argument("-v", "--verbose", action="store_true", help="list crashes, hangs and failures")
    args = parser.parse_args(argv)

    if not args.data.is_dir():
        print(f"feed-robustness: no data folder at {args.data}", file=sys.stderr)
        return 2
    paths = sorted(p for p in args.data.rglob("*") if p.is_file() and p.suffix in (".xml", ".json"))
    if args.limit:
        paths = paths[: args.limit]

    outcomes: list[Outcome] = []
    pending = {str(p) for p in paths}
    started = time.perf_counter()
    with multiprocessing.Pool(args.workers, maxtasksperchild=200) as pool:
        results = pool.imap_unordered(check_document, [(str(p), args.budget) for p in paths], chunksize=1)
        while pending:
            try:
                # The alarm catches hangs in Python code; this catches a worker stuck inside C code.
                outcome = results.next(timeout=args.budget * 8 + 30)
            except StopIteration:
                break
            except multiprocessing.TimeoutError:
                outcomes.extend(Outcome(p, "hang", "worker stopped answering", args.budget) for p in pending)
                pool.terminate()
                break
            pending.discard(outcome.path)
            outcomes.append(outcome)
    elapsed = time.perf_counter() - started

    by_status = collections.Counter(o.status for o in outcomes)
    slowest = max(outcomes, key=lambda o: o.seconds)
    base = args.data
    print(f"feed robustness over {len(outcomes)} documents from {base} ({elapsed:.1f} s wall)")
    print(f"  parsed:    {by_status['parsed']}")
    print(f"  rejected:  {by_status['rejected']} (FeedError with a one-line reason)")
    print(f"  crashes:   {by_status['crash']}")
    print(f"  hangs:     {by_status['hang']} (budget {args.budget:g} s per document)")
    print(f"  slowest:   {slowest.seconds * 1000:.1f} ms ({Path(slowest.path).relative_to(base)})")
    print(
        f"  expectations, feedparser as Gazette calls it: {_tally([o.gazette_expectation for o in outcomes])}"
    )
    defaults = _tally([o.feedparser_expectation for o in outcomes])
    print(f"  expectations, feedparser defaults:            {defaults}")
    reasons = collections.Counter(o.message.split(":")[0] for o in outcomes if o.status == "rejected")
    print("  rejection reasons: " + "; ".join(f"{reason} ({n})" for reason, n in reasons.most_common(8)))
    if args.verbose:
        for o in sorted(outcomes, key=lambda o: o.path):
            if o.status in ("crash", "hang"):
                print(f"  {o.status.upper()}: {Path(o.path).relative_to(base)}: {o.message}")
    return 1 if by_status["crash"] or by_status["hang"] else 0


if __name__ == "__main__":
    sys.exit(main())
