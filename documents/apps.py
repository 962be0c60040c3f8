from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """The agreement as one document: its page, its PDF, signing and archiving, revisions."""

    name = "documents"
