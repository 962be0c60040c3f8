"""Project-wide pages that belong to no app."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger("samverkan.security")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form without a valid token: from another site, or open so long that its session has ended."""
    logger.warning("refused a form without a valid CSRF token: %s %s (%s)", request.method, request.path, reason)
    return render(request, "403_csrf.html", status=403)
