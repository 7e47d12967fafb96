"""A client for any OpenAI-compatible chat-completions endpoint (Ollama, vLLM, llama.cpp, OpenAI...).

Built on httpx rather than the `openai` package: Gazette needs one endpoint, one request shape and
exact control of timeouts and error mapping, and httpx brings that without the SDK's pydantic models,
automatic retries and per-release API churn. Every failure surfaces as LLMError so that callers can fall
back to the built-in methods.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from gazette.conf import ConfigError, env_float, env_str

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 60.0


class LLMError(RuntimeError):
    """The model could not be reached or gave no usable reply."""


class LLMClient:
    """Chat completions against `base_url` (which ends before /chat/completions, e.g. .../v1)."""

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


def llm_from_env() -> LLMClient | None:
    """The configured client, or None when GAZETTE_LLM_BASE_URL is unset (the built-in methods are used)."""
    base_url = env_str("GAZETTE_LLM_BASE_URL").strip()
    if not base_url:
        return None
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError(f"GAZETTE_LLM_BASE_URL={base_url!r} must start with http:// or https://")
    model = env_str("GAZETTE_LLM_MODEL").strip()
    if not model:
        raise ConfigError("GAZETTE_LLM_BASE_URL is set but GAZETTE_LLM_MODEL is not (name the model to use)")
    timeout = env_float("GAZETTE_LLM_TIMEOUT", DEFAULT_TIMEOUT, minimum=1.0)
    return LLMClient(base_url=base_url, model=model, api_key=env_str("GAZETTE_LLM_API_KEY"), timeout=timeout)
