from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "gazette.jobs"
    verbose_name = "Background jobs"

    def ready(self) -> None:
        # Queue depths on /healthz and /metrics, and each job's latency as a metric.
        from gazette.jobs.engine import job_observe, queue_depths
        from gazette.ops.health import queue_depth_provider_set
        from gazette.ops.metrics import metrics_job_observe

        queue_depth_provider_set(queue_depths)
        job_observe(lambda queue, task, seconds, error: metrics_job_observe(queue, task, seconds))
