from django.apps import AppConfig


class TransferConfig(AppConfig):
    """An agreement with everything under it as one JSON document and back: a tool on top of the other apps, which
    never import it."""

    name = "transfer"
