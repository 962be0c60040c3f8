from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """The agreement as one document: its page, its PDF, signing and archiving, revisions."""

    name = "documents"

    def ready(self) -> None:
        from . import tasks  # noqa: F401 -- connects the laying out of a draft's PDF after each change
