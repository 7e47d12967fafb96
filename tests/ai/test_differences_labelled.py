"""'Where they differ' on the hand-labelled rows of demo and ECB+ dev stories (bench/differences.py)."""

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PRECISION_MIN = 0.9
ROWS_MIN = 3  # showing nothing would be precise and useless


def _bench():
    spec = importlib.util.spec_from_file_location("bench_differences", REPO / "bench" / "differences.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_labelled_set_is_large_enough_and_mixed():
    labels = _bench().labels_load()
    assert len(labels) >= 50
    assert 0 < sum(labels.values()) < len(labels)


def test_rows_shown_are_true():
    bench = _bench()
    if not bench.ECBPLUS.exists():
        pytest.skip(f"{bench.ECBPLUS} is not there")
    with_rows, shown, true, unlabelled = bench.precision(bench.labels_load())
    assert unlabelled == [], "label these rows in bench/data/differences.jsonl"
    assert shown >= ROWS_MIN and with_rows >= 2
    assert true / shown >= PRECISION_MIN
