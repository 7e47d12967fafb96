"""A reader app's session against the live server on 127.0.0.1, in the order real apps make requests,
and the same through the `google-reader` client library from PyPI where Python 3.12 is available."""

from __future__ import annotations

import glob
import json
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from gazette.accounts.models import ReadState, ReadWatermark, SavedArticle
from tests.api.greader.conftest import API_PASSWORD, OTHER_API_PASSWORD

pytestmark = pytest.mark.slow

READ = "user/-/state/com.google/read"
STARRED = "user/-/state/com.google/starred"
READING_LIST = "user/-/state/com.google/reading-list"


class LiveApp:
    """What Reeder, NetNewsWire and Read You send, over real HTTP."""

    def __init__(self, base: str):
        self.base = f"{base}/api/greader"
        self.http = httpx.Client(timeout=20)
        self.headers: dict[str, str] = {}
        self.token = ""

    def login(self, email: str, password: str) -> httpx.Response:
        response = self.http.post(
            f"{self.base}/accounts/ClientLogin", data={"Email": email, "Passwd": password}
        )
        if response.status_code == 200:
            auth = dict(line.split("=", 1) for line in response.text.splitlines())["Auth"]
            self.headers = {"Authorization": f"GoogleLogin auth={auth}"}
        return response

    def get(self, endpoint: str, **params) -> httpx.Response:
        return self.http.get(f"{self.base}/reader/api/0/{endpoint}", params=params, headers=self.headers)

    def post(self, endpoint: str, data: dict) -> httpx.Response:
        return self.http.post(f"{self.base}/reader/api/0/{endpoint}", data=data, headers=self.headers)


def test_a_reader_app_session(live_server, library):
    app = LiveApp(live_server.url)
    assert app.login("rita", "the-login-password-is-not-it").status_code == 401
    assert app.login("rita", API_PASSWORD).status_code == 200
    app.token = app.get("token").text.strip()
    assert app.get("user-info").json()["userName"] == "rita"
    tags = [t["id"] for t in app.get("tag/list", output="json").json()["tags"]]
    assert "user/-/label/World" in tags
    subs = app.get("subscription/list", output="json").json()["subscriptions"]
    assert len(subs) == 3
    assert app.get("unread-count", output="json").json()["max"] == 12

    # Unread ids a page at a time, as NetNewsWire syncs them.
    unread, continuation = [], None
    while True:
        params = {"s": READING_LIST, "xt": READ, "n": 5, "output": "json"}
        if continuation:
            params["c"] = continuation
        page = app.get("stream/items/ids", **params).json()
        unread += [ref["id"] for ref in page["itemRefs"]]
        continuation = page.get("continuation")
        if not continuation:
            break
    assert [int(i) for i in unread] == [a.pk for a in library.articles]

    # Their contents in one POST with several i.
    items = app.post("stream/items/contents?output=json", {"i": unread[:4], "T": app.token}).json()["items"]
    assert [int(item["id"].rsplit("/", 1)[1], 16) for item in items] == [int(i) for i in unread[:4]]
    assert all(item["content"]["content"] for item in items)

    # Reading one, starring another.
    assert app.post("edit-tag", {"i": unread[0], "a": READ, "T": app.token}).text == "OK"
    assert app.post("edit-tag", {"i": items[1]["id"], "a": STARRED, "T": app.token}).text == "OK"
    assert app.get("unread-count").json()["max"] == 11
    starred = app.get("stream/items/ids", s=STARRED).json()["itemRefs"]
    assert [r["id"] for r in starred] == [unread[1]]

    # Stream contents of one feed, across pages, then mark it all read.
    wire = f"feed/{library.wire.pk}"
    first = app.get(f"stream/contents/{wire}", n=2).json()
    second = app.get(f"stream/contents/{wire}", n=2, c=first["continuation"]).json()
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 4 and "continuation" not in second
    assert app.post("mark-all-as-read", {"s": wire, "T": app.token}).text == "OK"
    counts = {r["id"]: r["count"] for r in app.get("unread-count").json()["unreadcounts"]}
    assert wire not in counts and counts[READING_LIST] == 8  # 12 less the wire's 4 (the one read among them)

    # Bad input: the protocol's errors, never a server error, nothing changed.
    before = ReadState.objects.count()
    assert app.post("edit-tag", {"i": unread[2], "a": READ, "T": "wrong"}).status_code == 401
    assert app.post("edit-tag", {"i": "999999999", "a": READ, "T": app.token}).text == "OK"
    assert app.get("stream/items/ids", s=READING_LIST, n=10**15).status_code == 200
    assert app.get("stream/items/ids", s=READING_LIST, c="%%%").status_code == 400
    assert app.get("stream/contents/feed/999999").status_code == 400
    assert app.post("stream/items/contents", {"i": "not-an-id", "T": app.token}).status_code == 400
    assert ReadState.objects.count() == before

    # Another reader's state did not move.
    other = LiveApp(live_server.url)
    assert other.login("otto", OTHER_API_PASSWORD).status_code == 200
    assert other.get("unread-count").json()["max"] == 12
    assert other.get("stream/items/ids", s=STARRED).json()["itemRefs"] == []
    assert not SavedArticle.objects.filter(user=library.other).exists()


def _python312() -> str | None:
    found = shutil.which("python3.12")
    candidates = [found] if found else []
    candidates += sorted(glob.glob(str(Path.home() / ".pyenv/versions/3.12*/bin/python3.12")))
    for candidate in candidates:
        if candidate and subprocess.run([candidate, "--version"], capture_output=True).returncode == 0:
            return candidate
    return None


@pytest.fixture(scope="module")
def google_reader_python(tmp_path_factory) -> str:
    """A Python 3.12 virtualenv with the `google-reader` package (it needs 3.12); skipped without one."""
    interpreter = _python312()
    if interpreter is None:
        pytest.skip("no Python 3.12 here: the google-reader client needs it")
    venv = tmp_path_factory.mktemp("google-reader") / "venv"
    subprocess.run([interpreter, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    installed = subprocess.run(
        [python, "-m", "pip", "install", "-q", "google-reader==0.0.3"], capture_output=True, text=True
    )
    if installed.returncode != 0:
        pytest.skip(f"google-reader did not install: {installed.stderr[-300:]}")
    return python


CLIENT_SCRIPT = Path(__file__).with_name("testdata") / "google_reader_session.py"


def test_the_google_reader_client_library(live_server, library, google_reader_python):
    result = subprocess.run(
        [google_reader_python, str(CLIENT_SCRIPT), f"{live_server.url}/api/greader", "rita", API_PASSWORD],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["user"] == "rita"
    assert report["subscriptions"] == 3
    assert report["unread_ids"] == [str(a.pk) for a in library.articles]
    assert report["first_title"] == library.articles[0].title
    assert report["starred_after"] == [str(library.articles[1].pk)]
    assert report["unread_after_mark_all"] == []
    # Mark-all-as-read became one watermark per followed source; the other reader's state is untouched.
    assert ReadWatermark.objects.filter(user=library.reader).count() == 3
    assert not ReadWatermark.objects.filter(user=library.other).exists()
