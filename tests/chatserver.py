"""A tiny OpenAI-compatible chat-completions endpoint on the local test server, counting what reaches it.

    def test_x(chat_endpoint, settings):
        chat_endpoint.configure(settings, daily_limit=3)   # settings.GAZETTE_LLM points at it
        ...
        assert len(chat_endpoint.calls) == 3

Its "model" answers each of Gazette's prompts in the shape the prompt asks for (a summary from the
article's first sentences, bullets, a cited answer, a marked translation), so the LLM paths run end to
end over real HTTP; `reply` replaces it for a test. The SmolLM2 server in tests/ai/conftest.py is the
real model, for the tests that can wait for one.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from gazette.ai.config import LLMConfig
from tests.httpserver import LocalHTTPServer

MODEL = "local-chat"
PATH = "/v1/chat/completions"


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s]


def scripted_reply(messages: list[dict[str, str]]) -> str:
    """What the endpoint's model says to each of Gazette's prompts."""
    system = messages[0]["content"]
    user = messages[-1]["content"]
    article = user.split("Article:\n", 1)[-1]
    if system.startswith("Summarise"):
        return " ".join(_sentences(article)[:2])
    if system.startswith("List the"):
        return "\n".join(f"- {s}" for s in _sentences(article)[:3])
    if system.startswith("You answer questions"):
        return "The first sentence says so [1]."
    if system.startswith("You are a translator"):
        return f"(translated) {user}"
    return "Hello."


@dataclass
class ChatEndpoint:
    server: LocalHTTPServer
    reply: Callable[[list[dict[str, str]]], str] = scripted_reply
    calls: list[dict[str, Any]] = field(default_factory=list)  # each request's JSON body
    peers: list[tuple[str, int]] = field(default_factory=list)  # the client address of each request
    transports: list[asyncio.BaseTransport] = field(default_factory=list)  # the server side of each

    @property
    def base_url(self) -> str:
        return self.server.url("/v1")

    def configure(self, settings: Any, **overrides: Any) -> LLMConfig:
        """Point settings.GAZETTE_LLM at this endpoint (what the environment would have set)."""
        config = dataclasses.replace(LLMConfig(base_url=self.base_url, model=MODEL, timeout=5.0), **overrides)
        settings.GAZETTE_LLM = config
        return config

    def connections_closed(self) -> bool:
        """Whether every connection a request came on has been closed by the client."""
        return all(t.is_closing() for t in self.transports)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.calls.append(body)
        self.peers.append(request.transport.get_extra_info("peername")[:2])  # type: ignore[union-attr]
        if request.transport not in self.transports:
            self.transports.append(request.transport)  # type: ignore[arg-type]
        content = self.reply(body["messages"])
        answer = {
            "id": f"chatcmpl-{len(self.calls)}",
            "object": "chat.completion",
            "model": body.get("model", MODEL),
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
            ],
        }
        return web.Response(text=json.dumps(answer), content_type="application/json")


@pytest.fixture
def chat_endpoint(http_server: LocalHTTPServer) -> Iterator[ChatEndpoint]:
    """The endpoint, served at <http_server>/v1/chat/completions."""
    endpoint = ChatEndpoint(server=http_server)
    http_server.route(PATH, handler=endpoint.handle)
    yield endpoint
