from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmarks over the whole product: it may use every app, and no app uses it."""

    name = "bench"
