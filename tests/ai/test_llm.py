import socket

import pytest

from gazette.ai.llm import LLMClient, LLMError, llm_from_env
from gazette.conf import ConfigError
from tests.httpserver import free_port

MESSAGES = [{"role": "user", "content": "hi"}]


def test_connection_refused_is_an_llm_error():
    client = LLMClient(base_url=f"http://127.0.0.1:{free_port()}/v1", model="m", timeout=2.0)
    with pytest.raises(LLMError, match="cannot reach"):
        client.chat(MESSAGES)


def test_a_server_that_never_answers_times_out():
    with socket.socket() as sock:  # listens (so connect succeeds) but never reads or replies
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        client = LLMClient(base_url=f"http://127.0.0.1:{sock.getsockname()[1]}/v1", model="m", timeout=0.5)
        with pytest.raises(LLMError, match="in time"):
            client.chat(MESSAGES)


def test_http_error_and_malformed_replies(http_server):
    http_server.route("/bad/v1/chat/completions", body=b'{"error": "overloaded"}', status=503)
    http_server.route("/odd/v1/chat/completions", body=b'{"choices": []}')
    http_server.route("/ok/v1/chat/completions", body=b'{"choices": [{"message": {"content": " Hello. "}}]}')
    with pytest.raises(LLMError, match="HTTP 503"):
        LLMClient(base_url=http_server.url("/bad/v1"), model="m").chat(MESSAGES)
    with pytest.raises(LLMError, match="not a chat completion"):
        LLMClient(base_url=http_server.url("/odd/v1"), model="m").chat(MESSAGES)
    client = LLMClient(base_url=http_server.url("/ok/v1/"), model="m", api_key="sekret")
    assert client.chat(MESSAGES) == "Hello."
    request = http_server.requests[-1]
    assert request.headers.get("authorization") == "Bearer sekret"


def test_llm_from_env(monkeypatch):
    monkeypatch.delenv("GAZETTE_LLM_BASE_URL", raising=False)
    assert llm_from_env() is None
    monkeypatch.setenv("GAZETTE_LLM_BASE_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.delenv("GAZETTE_LLM_MODEL", raising=False)
    with pytest.raises(ConfigError, match="GAZETTE_LLM_MODEL"):
        llm_from_env()
    monkeypatch.setenv("GAZETTE_LLM_MODEL", "llama3.2")
    client = llm_from_env()
    assert (
        client is not None and client.model == "llama3.2" and client.base_url == "http://127.0.0.1:11434/v1"
    )
    monkeypatch.setenv("GAZETTE_LLM_BASE_URL", "localhost:11434")
    with pytest.raises(ConfigError, match="http"):
        llm_from_env()
