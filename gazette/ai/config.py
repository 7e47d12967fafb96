"""The language-model settings, read from the environment once at start-up and validated."""

from __future__ import annotations

from dataclasses import dataclass, field

from gazette.conf import ConfigError, env_float, env_int, env_str


@dataclass(frozen=True)
class LLMConfig:
    base_url: str = ""  # an OpenAI-compatible endpoint up to /chat/completions; empty: built-in methods only
    model: str = ""
    api_key: str = field(default="", repr=False)  # kept out of logs and tracebacks
    timeout: float = 60.0  # seconds per request
    daily_limit: int = 500  # chat calls per day, across every process of the site

    @property
    def enabled(self) -> bool:
        """Whether an endpoint is configured (the settings guarantee a model goes with it)."""
        return bool(self.base_url)


def llm_config_from_env() -> LLMConfig:
    """Read the GAZETTE_LLM_* variables; raises ConfigError naming the variable on a bad value."""
    d = LLMConfig()
    base_url = env_str("GAZETTE_LLM_BASE_URL").strip()
    if base_url and not base_url.startswith(("http://", "https://")):
        raise ConfigError(f"GAZETTE_LLM_BASE_URL={base_url!r} must start with http:// or https://")
    model = env_str("GAZETTE_LLM_MODEL").strip()
    if base_url and not model:
        raise ConfigError("GAZETTE_LLM_BASE_URL is set but GAZETTE_LLM_MODEL is not (name the model to use)")
    return LLMConfig(
        base_url=base_url,
        model=model,
        api_key=env_str("GAZETTE_LLM_API_KEY").strip(),
        timeout=env_float("GAZETTE_LLM_TIMEOUT", d.timeout, minimum=1.0),
        daily_limit=env_int("GAZETTE_LLM_DAILY_LIMIT", d.daily_limit, minimum=0),
    )
