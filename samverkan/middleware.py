from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Swedish unless the user has chosen another language; the browser's own preference is not consulted.

    Staff on English-language machines still work in Swedish, the language of their agreements.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        translation.activate(chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


class PrivateCacheMiddleware:
    """Nothing answered to a logged-in user is kept in a browser's or proxy's cache (`private, no-store`).

    Agreements, follow-ups, PDFs and evidence are confidential, and council members may share a PC: after
    logout the next person must not find them in the cache.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)  # absent when an earlier middleware answered before authentication
        # A response that already forbids storing (never_cache) keeps its own, stricter header.
        if user is not None and user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True, no_store=True)
        return response
