"""`gazette summarize` and `gazette ask` as evaluation scripts call them: real processes."""

import json
import os
import subprocess
import sys
from pathlib import Path

from gazette.ai.sentences import sentences_split

TESTDATA = Path(__file__).parent / "testdata"


def gazette(*args: str, input: bytes | None = None, env: dict | None = None):
    return subprocess.run(
        [sys.executable, "-m", "gazette", *args], input=input, capture_output=True, timeout=120, env=env
    )


def test_summarize_contract():
    proc = gazette("summarize", str(TESTDATA / "articles.jsonl"))
    assert proc.returncode == 0, proc.stderr.decode()
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [r["id"] for r in rows] == ["quake", 7, "short"]
    assert all(set(r) == {"id", "summary"} for r in rows)
    quake = json.loads((TESTDATA / "articles.jsonl").read_text().splitlines()[0])["text"]
    assert rows[0]["summary"].startswith("A magnitude 6.1 earthquake struck")
    sentences = sentences_split(quake)
    chosen = [s for s in sentences if s in rows[0]["summary"]]
    assert len(chosen) == 3 and rows[0]["summary"] == " ".join(chosen)  # in article order, single spaces
    assert rows[2]["summary"] == "Only one sentence here."


def test_summarize_sentences_option_and_stdin():
    line = (TESTDATA / "articles.jsonl").read_bytes().splitlines()[1]
    proc = gazette("summarize", "-", "--sentences", "1", input=line)
    assert proc.returncode == 0
    assert json.loads(proc.stdout) == {
        "id": 7,
        "summary": "The council approved the budget on Tuesday by nine votes to two.",
    }


def test_summarize_reports_bad_lines_and_goes_on():
    proc = gazette("summarize", "-", input=b'not json\n{"id": 1}\n{"id": 2, "text": "Fine text here."}\n')
    assert proc.returncode == 1
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert rows[0]["id"] is None and "line 1" in rows[0]["error"]
    assert rows[1]["id"] is None and "line 2" in rows[1]["error"]
    assert rows[2] == {"id": 2, "summary": "Fine text here."}


def test_ask_contract_file_and_stdin():
    proc = gazette(
        "ask", str(TESTDATA / "quake.txt"), "--question", "How many people were treated for injuries?"
    )
    assert proc.returncode == 0, proc.stderr.decode()
    out = json.loads(proc.stdout)
    assert set(out) == {"answer", "citations"}
    assert "At least 45 people were treated" in out["citations"][0]
    proc = gazette(
        "ask", "-", "--question", "Who won the election?", input=(TESTDATA / "quake.txt").read_bytes()
    )
    assert json.loads(proc.stdout) == {"answer": "The article does not say.", "citations": []}


def test_llm_flag_without_configuration_is_a_clear_error(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAZETTE_LLM_")}
    env["GAZETTE_DATA_DIR"] = str(tmp_path)
    proc = gazette("ask", str(TESTDATA / "quake.txt"), "-q", "Why?", "--llm", env=env)
    assert proc.returncode != 0
    assert b"GAZETTE_LLM_BASE_URL" in proc.stderr


def test_llm_flag_goes_through_the_sites_gateway_and_its_daily_limit(chat_endpoint, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAZETTE_LLM_")}
    env.update(
        GAZETTE_DATA_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'gazette.sqlite3'}",
        GAZETTE_LLM_BASE_URL=chat_endpoint.base_url,
        GAZETTE_LLM_MODEL="local-chat",
        GAZETTE_LLM_DAILY_LIMIT="1",
    )
    proc = gazette("summarize", str(TESTDATA / "articles.jsonl"), "--llm", env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(rows) == 3 and all(r["summary"] for r in rows)
    assert len(chat_endpoint.calls) == 1  # the other two were refused before they were sent
    assert b"GAZETTE_LLM_DAILY_LIMIT" in proc.stderr  # and the command says why it used the built-in method


def test_help():
    for command in ("summarize", "ask"):
        assert gazette(command, "--help").returncode == 0
