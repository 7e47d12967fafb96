"""The job settings, read from the environment once at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from gazette.conf import env_int


@dataclass(frozen=True)
class JobsConfig:
    poll_workers: int = 8  # poll jobs one worker process runs at once (they mostly wait on the network)
    # Article page fetches one worker process runs at once: they wait on the network too, and the
    # process's one HTTP client keeps each host to its per-host limits whatever this number.
    fetch_workers: int = 8
    ai_workers: int = 1  # summary and digest jobs at once (an LLM endpoint is often the limit)
    sweep_after: int = 300  # seconds a row may sit in an unfinished stage before it is queued again
    # Seconds a claimed source waits for its poll before it is due again (its worker died); longer
    # than the slowest poll, or a slow poll is claimed twice (harmless: the store skips what it has).
    poll_lease: int = 600


def jobs_config_from_env() -> JobsConfig:
    return JobsConfig(
        poll_workers=env_int("GAZETTE_POLL_WORKERS", JobsConfig.poll_workers, minimum=1),
        fetch_workers=env_int("GAZETTE_FETCH_WORKERS", JobsConfig.fetch_workers, minimum=1),
        ai_workers=env_int("GAZETTE_AI_WORKERS", JobsConfig.ai_workers, minimum=1),
        sweep_after=env_int("GAZETTE_JOBS_SWEEP_AFTER", JobsConfig.sweep_after, minimum=1),
        poll_lease=env_int("GAZETTE_POLL_LEASE", JobsConfig.poll_lease, minimum=1),
    )
