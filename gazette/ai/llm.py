"""The way to any OpenAI-compatible chat-completions endpoint (Ollama, vLLM, llama.cpp, OpenAI...).

Every chat call of the site goes through the process's one LLMGateway (`llm_gateway()`), which:
  1. charges the call against GAZETTE_LLM_DAILY_LIMIT before sending it, and refuses it with
     LLMBudgetSpent (nothing sent) once today's calls are used up, so N calls a day means N requests;
  2. sends it over one HTTP client, reused by every call and thread of the process (connections are
     kept alive), and closed when the process stops (`llm_gateway_close()`, also run at exit);
  3. raises LLMError, of which LLMBudgetSpent is one kind, for every way a call can fail, so each
     builder (summary, key points, answers, translation) has one fallback path for all of them.

Built on httpx rather than the `openai` package: Gazette needs one endpoint, one request shape and
exact control of timeouts and error mapping, and httpx brings that without the SDK's pydantic models,
automatic retries and per-release API churn.
"""

from __future__ import annotations

import atexit
import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

import httpx
from django.conf import settings

from gazette.ai.config import LLMConfig

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = LLMConfig.timeout


class LLMError(RuntimeError):
    """The model could not be reached or gave no usable reply."""


class LLMBudgetSpent(LLMError):
    """Today's LLM calls are used up (GAZETTE_LLM_DAILY_LIMIT): the call was not sent."""


class LLMClient:
    """Chat completions against `base_url` (which ends before /chat/completions, e.g. .../v1): the
    transport a gateway owns. The site never calls it directly, so that no call escapes the budget."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str = "",
        timeout: float = DEFAULT_TIMEOUT,
        connect_timeout: float = 5.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(connect_timeout, timeout)),
            follow_redirects=False,
            trust_env=False,
        )

    def __repr__(self) -> str:
        return f"LLMClient(base_url={self.base_url!r}, model={self.model!r})"

    def close(self) -> None:
        self._http.close()

    @property
    def closed(self) -> bool:
        return self._http.is_closed

    def __enter__(self) -> LLMClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def chat(self, messages: list[dict[str, str]], *, max_tokens: int = 256, temperature: float = 0.0) -> str:
        """The assistant's reply text; LLMError on any transport, HTTP or format failure."""
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": temperature,
            "stream": False,
        }
        url = f"{self.base_url}/chat/completions"
        try:
            response = self._http.post(url, json=payload)
        except httpx.TimeoutException as exc:
            raise LLMError(f"no reply from {url} in time ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"cannot reach {url}: {exc}") from exc
        if response.status_code != 200:
            raise LLMError(f"{url} answered HTTP {response.status_code}: {response.text[:200]}")
        try:
            data = response.json()
            content = data["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMError(
                f"{url} gave a reply that is not a chat completion: {response.text[:200]}"
            ) from exc
        if not isinstance(content, str):
            raise LLMError(f"{url} gave a reply without text content")
        return content.strip()


class LLMGateway:
    """The one way to the model: each call charged before it is sent, over one reused HTTP client."""

    def __init__(self, *, config: LLMConfig, charge: Callable[[], bool]) -> None:
        self.config = config
        self.model = config.model
        self._charge = charge
        self._client = LLMClient(
            base_url=config.base_url, model=config.model, api_key=config.api_key, timeout=config.timeout
        )

    def __repr__(self) -> str:
        return f"LLMGateway(base_url={self.config.base_url!r}, model={self.model!r})"

    def chat(self, messages: list[dict[str, str]], *, max_tokens: int = 256, temperature: float = 0.0) -> str:
        """The assistant's reply; LLMBudgetSpent (nothing sent) past the daily limit, LLMError on failure."""
        if not self._charge():
            raise LLMBudgetSpent(
                f"today's {self.config.daily_limit} LLM calls are used up (GAZETTE_LLM_DAILY_LIMIT); not sent"
            )
        return self._client.chat(messages, max_tokens=max_tokens, temperature=temperature)

    def close(self) -> None:
        self._client.close()

    @property
    def closed(self) -> bool:
        return self._client.closed


_GATEWAY: LLMGateway | None = None
_GATEWAY_LOCK = threading.Lock()


def llm_gateway() -> LLMGateway | None:
    """The process's gateway, built from settings.GAZETTE_LLM on first use; None when no LLM is configured."""
    global _GATEWAY
    config: LLMConfig = settings.GAZETTE_LLM
    if not config.enabled:
        return None
    with _GATEWAY_LOCK:
        if _GATEWAY is None:
            from gazette.ai.usage import usage_charge  # the models, which need the app registry

            _GATEWAY = LLMGateway(
                config=config, charge=functools.partial(usage_charge, limit=config.daily_limit)
            )
            # The host only: a base URL may carry credentials.
            host = httpx.URL(config.base_url).host
            log.info("llm: %s on %s, %d calls a day", config.model, host, config.daily_limit)
        return _GATEWAY


def llm_gateway_close() -> None:
    """Close the process's gateway and its connections (at shutdown; the next call builds a new one)."""
    global _GATEWAY
    with _GATEWAY_LOCK:
        gateway, _GATEWAY = _GATEWAY, None
    if gateway is not None:
        gateway.close()


# For every kind of process, whatever runs it (gunicorn's workers, another WSGI server, a command);
# the roles Gazette runs also close it explicitly when they stop.
atexit.register(llm_gateway_close)
