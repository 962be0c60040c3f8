from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FocusAreasConfig(AppConfig):
    name = "focusareas"
    verbose_name = _("Focus areas")

    def ready(self) -> None:
        from . import services  # noqa: F401 (connects its receivers)
