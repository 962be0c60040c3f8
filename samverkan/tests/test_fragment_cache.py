"""The rendered parts of pages may be kept in Redis (FRAGMENT_CACHE_URL), shared by every process and server: what
one process rendered is read there by the next request, and a change still shows at once. Runs against the Redis
at 127.0.0.1:6379, as CI's machine has one."""

import re

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.tests.factories import SectionFactory
from jobs.tests.helpers import redis_reachable

SHARED = "redis://127.0.0.1:6379/14"


def without_tokens(page: bytes) -> str:
    """The page without what changes from one request to the next: the CSRF token and the session's seconds left."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page.decode())
    return re.sub(r'data-session-seconds-left="\d+"', "", page)


@pytest.fixture
def shared_fragments(settings):
    """The fragments go to a Redis database of the tests' own, emptied before and after."""
    store = redis.Redis.from_url(SHARED)
    store.flushdb()
    settings.CACHES = {
        **settings.CACHES,
        "template_fragments": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": SHARED},
    }
    yield store
    store.flushdb()


@pytest.mark.skipif(not redis_reachable(), reason="no Redis at 127.0.0.1:6379 to keep the fragments in")
@pytest.mark.django_db
def test_a_page_read_again_comes_from_redis_and_a_change_shows_at_once(
    client, admin_client, world, editor, shared_fragments
):
    section = SectionFactory(agreement=world.agreement, heading="Trygghet i centrum")
    client.force_login(editor)
    url = reverse("documents:detail", args=[world.agreement.pk])
    with CaptureQueriesContext(connection) as rendered:
        first = without_tokens(client.get(url).content)
    assert "Trygghet i centrum" in first
    stored = shared_fragments.dbsize()
    assert stored > 0
    with CaptureQueriesContext(connection) as read_again:
        assert without_tokens(client.get(url).content) == first
    # The document was not built again: its HTML came from Redis.
    assert len(read_again) < len(rendered)
    assert shared_fragments.dbsize() == stored
    changed = {"agreement": world.agreement.pk, "part": section.part, "order": 0, "heading": "Trygghet på torget"}
    admin_client.post(reverse("admin:agreements_section_change", args=[section.pk]), changed | {"body": ""})
    page = client.get(url).content.decode()
    assert "Trygghet på torget" in page and "Trygghet i centrum" not in page
