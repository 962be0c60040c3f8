from django.apps import AppConfig


class LibConfig(AppConfig):
    """The plumbing below the apps; its only tables are the PDFs laid out so far (samverkan.lib.pdfcache)."""

    name = "samverkan.lib"
    label = "samverkan"
    verbose_name = "Samverkan"
