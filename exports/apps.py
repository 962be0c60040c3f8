from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    """Work on many documents at once (all PDFs of a year, the agreements as a workbook), done by a task while the
    page shows how far it has come."""

    name = "exports"
    verbose_name = _("Exports")
