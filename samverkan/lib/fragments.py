"""HTML kept in the fragment cache by what it shows, with forms in it: the cached HTML holds a slot where each form's
CSRF token goes, and the reader's own token is put there on every request; so can any other value that must be new
for each reader (a new form's key, say)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

from django.core.cache import caches
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe


@functools.cache
def slot(name: str) -> str:
    """What stands for the value `name` in cached HTML: derived from the secret key, so that no one can write it into
    the text a fragment shows, and the same in every process that shares the cache."""
    return salted_hmac("samverkan.lib.fragments.token_slot", name).hexdigest()


def token_slot() -> str:
    """What stands for the reader's CSRF token."""
    return slot("csrf")


def with_forms(
    request: HttpRequest, key: str | None, render: Callable[[dict], str], fresh: Mapping[str, str] | None = None
) -> SafeString:
    """The HTML cached under `key` (rendered by `render` when it is not there, or when `key` is None), with the
    reader's CSRF token in its forms, and each of the `fresh` values (by their `slot`) where the HTML has its slot.
    `render` is given the context entries its `{% csrf_token %}` tags read, and must render without the request:
    nothing in the HTML may depend on who reads it unless the key says so."""
    fragments = caches["template_fragments"]
    html = fragments.get(key) if key else None
    if html is None:
        html = render({"csrf_token": token_slot()})
        if key:
            fragments.set(key, html)
    for name, value in {"csrf": get_token(request), **(fresh or {})}.items():
        html = html.replace(slot(name), value)
    return mark_safe(html)
