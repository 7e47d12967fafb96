"""The daily LLM budget: one row per day in the database, shared by every process of the site."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from gazette.ai.models import UsageDay


def usage_charge(*, limit: int) -> bool:
    """Count one LLM call against today's `limit`; False, and nothing counted, once it is reached."""
    today = timezone.localdate()
    UsageDay.objects.get_or_create(day=today)
    # One conditional UPDATE: workers and web processes charging at once can never pass the limit
    # together, as a read followed by a write would let them.
    charged = UsageDay.objects.filter(day=today, llm_calls__lt=limit).update(llm_calls=F("llm_calls") + 1)
    return charged == 1


def usage_today() -> int:
    """LLM calls charged today."""
    return UsageDay.objects.filter(day=timezone.localdate()).values_list("llm_calls", flat=True).first() or 0
