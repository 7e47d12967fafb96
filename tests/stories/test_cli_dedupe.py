import gzip
import json
import subprocess
import sys
from pathlib import Path

from tests.stories.test_copies import OWN_REPORT, WIRE

ROOT = Path(__file__).resolve().parents[2]


def run(path, *args):
    return subprocess.run(
        [sys.executable, "-m", "gazette", "dedupe", str(path), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def write(tmp_path, lines, name="in.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_one_line_per_article_in_input_order(tmp_path):
    rows = [
        {
            "id": "copy",
            "title": "Bridge shuts",
            "text": WIRE + " Sign up for our newsletter.",
            "published": "2024-05-01T14:00:00Z",
        },
        {
            "id": "wire",
            "title": "Bridge to close",
            "text": WIRE,
            "published": "2024-05-01T12:00:00+00:00",
            "source": "wire",
        },
        {"id": "own", "title": "Drivers lose route", "text": OWN_REPORT, "url": "https://example.com/own"},
    ]
    done = run(write(tmp_path, [json.dumps(r) for r in rows]))
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert out == [
        {"id": "copy", "duplicate_of": "wire"},
        {"id": "wire", "duplicate_of": None},
        {"id": "own", "duplicate_of": None},
    ]
    assert done.stderr == ""


def test_input_order_decides_without_dates(tmp_path):
    rows = [{"id": "1", "text": WIRE}, {"id": "2", "text": WIRE}]
    done = run(write(tmp_path, [json.dumps(r) for r in rows]))
    assert [json.loads(line)["duplicate_of"] for line in done.stdout.splitlines()] == [None, "1"]


def test_bad_lines_are_reported_and_the_rest_processed(tmp_path):
    lines = [
        json.dumps({"id": "a", "text": WIRE}),
        "{not json",
        json.dumps({"id": "b"}),
        "",
        json.dumps({"id": "c", "text": WIRE, "published": "yesterday-ish"}),
        json.dumps({"id": "a", "text": WIRE}),
        json.dumps({"id": "d", "text": WIRE}),
    ]
    done = run(write(tmp_path, lines))
    assert done.returncode == 1
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", None, "b", "c", "a", "d"]
    assert out[-1] == {"id": "d", "duplicate_of": "a"}
    assert all("error" in o and o["duplicate_of"] is None for o in out[1:5])
    errors = done.stderr.splitlines()
    assert [e.split(":")[1].strip() for e in errors] == ["line 2", "line 3", "line 5", "line 6"]
    assert all(e.startswith("dedupe: line ") for e in errors)


def test_gzip_input_and_missing_file(tmp_path):
    path = tmp_path / "in.jsonl.gz"
    path.write_bytes(gzip.compress((json.dumps({"id": "x", "text": WIRE}) + "\n").encode()))
    done = run(path)
    assert done.returncode == 0 and json.loads(done.stdout) == {"id": "x", "duplicate_of": None}
    missing = run(tmp_path / "nope.jsonl")
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_help_documents_the_contract():
    done = subprocess.run(
        [sys.executable, "-m", "gazette", "dedupe", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0
    assert "duplicate_of" in done.stdout and "line N" in done.stdout
