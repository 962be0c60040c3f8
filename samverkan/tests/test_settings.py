"""Production configuration comes from the environment and passes Django's deployment checks."""

import os
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-secret-key-for-the-deployment-check-0123456789-abcdefghij",
    "ALLOWED_HOSTS": "samverkan.example.se",
    "DATABASE_URL": "sqlite:////tmp/samverkan-deploy-check.sqlite3",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 -- our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={
            **{k: v for k, v in os.environ.items() if k not in PRODUCTION and k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_configuration_passes_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env={**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_a_bad_boolean_fails_loudly():
    result = manage("check", env={**PRODUCTION, "DEBUG": "maybe"})
    assert result.returncode != 0 and "DEBUG must be a boolean" in result.stderr


def test_the_environment_keeps_the_rendered_parts_of_pages_in_redis_or_in_each_process():
    shown = "from django.conf import settings; print(settings.CACHES['template_fragments']['BACKEND'])"
    shared = manage(
        "shell", "-v", "0", "-c", shown, env={**PRODUCTION, "FRAGMENT_CACHE_URL": "redis://127.0.0.1:6379/14"}
    )
    own = manage("shell", "-v", "0", "-c", shown, env={**PRODUCTION, "FRAGMENT_CACHE_ENTRIES": "50"})
    assert shared.stdout.strip() == "django.core.cache.backends.redis.RedisCache", shared.stderr
    assert own.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache", own.stderr
