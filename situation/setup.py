"""The survey's set-up declared once: each kind's address, model, fields and the field that must be unique."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Factor, Place, Reporter


@dataclass(frozen=True)
class SetupKind:
    model: type[models.Model]
    fields: tuple[str, ...]
    unique: str  # unique per municipality, compared without regard to case
    title: Promise
    row_label: Promise
    add_label: Promise
    help: Promise


SETUP_KINDS = {
    "faktorer": SetupKind(
        Factor,
        ("name", "order", "active"),
        "name",
        _("Factors"),
        _("Factor"),
        _("Add factor"),
        _("The factors each reporter rates every week, in this order. A factor no longer in use keeps its history."),
    ),
    "platser": SetupKind(
        Place,
        ("name", "order", "active"),
        "name",
        _("Places"),
        _("Place"),
        _("Add place"),
        _("The places or areas reported on, in this order."),
    ),
    "rapportorer": SetupKind(
        Reporter,
        ("name", "email", "organisation", "active"),
        "email",
        _("Reporters"),
        _("Reporter"),
        _("Add reporter"),
        _(
            "Reporters need no account: every Tuesday they get a personal link by e-mail. Deactivating a reporter "
            "stops their links at once."
        ),
    ),
}
