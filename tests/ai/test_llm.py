import socket
import time

import pytest

from gazette.ai.config import LLMConfig
from gazette.ai.llm import LLMBudgetSpent, LLMClient, LLMError, llm_gateway, llm_gateway_close
from gazette.ai.models import UsageDay
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


def test_no_gateway_without_an_llm(settings):
    settings.GAZETTE_LLM = LLMConfig()
    assert llm_gateway() is None


@pytest.mark.django_db
def test_each_call_is_charged_before_it_is_sent_and_refused_past_the_limit(chat_endpoint, settings):
    chat_endpoint.configure(settings, daily_limit=2)
    gateway = llm_gateway()
    assert gateway is not None
    assert gateway.chat(MESSAGES) == "Hello." and gateway.chat(MESSAGES) == "Hello."
    with pytest.raises(LLMBudgetSpent, match="GAZETTE_LLM_DAILY_LIMIT"):
        gateway.chat(MESSAGES)
    assert len(chat_endpoint.calls) == 2  # the refused call never reached the model
    assert UsageDay.objects.get().llm_calls == 2


@pytest.mark.django_db
def test_a_limit_of_zero_sends_nothing(chat_endpoint, settings):
    chat_endpoint.configure(settings, daily_limit=0)
    with pytest.raises(LLMBudgetSpent):
        llm_gateway().chat(MESSAGES)
    assert chat_endpoint.calls == []


@pytest.mark.django_db
def test_one_client_for_every_call_closed_at_shutdown(chat_endpoint, settings):
    chat_endpoint.configure(settings)
    gateway = llm_gateway()
    for _ in range(3):
        llm_gateway().chat(MESSAGES)
    assert llm_gateway() is gateway
    # Three requests on one connection: one client, its connection kept alive between calls.
    assert len(chat_endpoint.peers) == 3 and len(set(chat_endpoint.peers)) == 1
    assert not chat_endpoint.connections_closed()
    llm_gateway_close()
    assert gateway.closed
    for _ in range(200):  # the server notices the client's FIN on its own loop
        if chat_endpoint.connections_closed():
            break
        time.sleep(0.01)
    assert chat_endpoint.connections_closed()
    assert llm_gateway() is not gateway  # a process that goes on builds a new one


@pytest.mark.django_db
def test_a_changed_setting_gives_a_new_gateway(chat_endpoint, settings):
    chat_endpoint.configure(settings, daily_limit=5)
    first = llm_gateway()
    chat_endpoint.configure(settings, daily_limit=6)
    assert first is not None and first.closed
    assert llm_gateway().config.daily_limit == 6
