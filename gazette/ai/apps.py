from typing import Any

from django.apps import AppConfig
from django.core.signals import setting_changed


def _llm_setting_changed(*, setting: str, **kwargs: Any) -> None:
    # The process's gateway is built from GAZETTE_LLM; one changed at run time (tests do) is a new gateway.
    if setting == "GAZETTE_LLM":
        from gazette.ai.llm import llm_gateway_close

        llm_gateway_close()


class AiConfig(AppConfig):
    name = "gazette.ai"
    verbose_name = "AI panel"

    def ready(self) -> None:
        setting_changed.connect(_llm_setting_changed, dispatch_uid="gazette.ai.llm_setting_changed")
