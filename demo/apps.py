from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo content and its loader: a tool on top of the other apps, which never import it."""

    name = "demo"
