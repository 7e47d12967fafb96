"""Operations: the health check, Prometheus metrics and the request timer. No models."""
