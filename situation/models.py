"""The situation picture (lägesbild) of a municipality: the EST set-up (factors, places, reporters), the weekly
answers and meetings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from agreements.models import Organisation

# The EST checklist a municipality starts from (Trelleborg's method names the first four); each can be renamed,
# reordered or switched off.
DEFAULT_FACTORS = (
    "Hot och våld",
    "Skadegörelse",
    "Anlagda bränder",
    "Narkotika",
    "Nedskräpning",
    "Ordningsstörningar",
    "Trafik",
    "Alkohol i offentlig miljö",
    "Klotter",
    "Stölder och inbrott",
    "Grupperingar som skapar otrygghet",
    "Otrygga miljöer (belysning, skymd sikt)",
)


class SetupItem(models.Model):
    """Something a municipality's EST survey is set up with."""

    municipality = models.ForeignKey(Organisation, on_delete=models.CASCADE, verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class Factor(SetupItem):
    """A factor that affects perceived safety, rated every week (hot och våld, skadegörelse, …)."""

    class Meta(SetupItem.Meta):
        verbose_name = _("factor")
        verbose_name_plural = _("factors")
        default_related_name = "est_factors"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"],
                name="factor_unique_name",
                violation_error_message=_("The municipality already has a factor with this name."),
            )
        ]


class Place(SetupItem):
    """A place or area the reporters report on."""

    class Meta(SetupItem.Meta):
        verbose_name = _("place")
        verbose_name_plural = _("places")
        default_related_name = "est_places"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"],
                name="place_unique_name",
                violation_error_message=_("The municipality already has a place with this name."),
            )
        ]


class ReporterQuerySet(models.QuerySet):
    def active(self) -> ReporterQuerySet:
        return self.filter(active=True)


class Reporter(models.Model):
    """Someone who answers the weekly survey through a personal link, without an account."""

    municipality = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="est_reporters", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    organisation = models.CharField(
        _("organisation"), max_length=200, blank=True, help_text=_("Where the reporter works, e.g. a school.")
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("An inactive reporter's links stop working."))

    objects = ReporterQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("reporter")
        verbose_name_plural = _("reporters")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "email"],
                name="reporter_unique_email",
                violation_error_message=_("The municipality already has a reporter with this e-mail address."),
            )
        ]

    def __str__(self) -> str:
        return self.name
