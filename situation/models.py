"""The situation picture (lägesbild) of a municipality: the EST set-up (factors, places, reporters), the weekly
answers and meetings."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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


class Week(models.Model):
    """One week of a municipality's EST cycle: the survey sent on Tuesday and closed on Thursday morning, the
    meeting on Thursday that sets the week's situation picture, and the report sent out on Friday."""

    municipality = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="est_weeks", verbose_name=_("municipality")
    )
    monday = models.DateField(_("week"))
    invited_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reported_at = models.DateTimeField(null=True, blank=True, editable=False)
    situation = models.TextField(_("the week's situation picture"), blank=True)
    priorities = models.TextField(
        _("priorities"),
        blank=True,
        help_text=_("Places for presence, traffic controls, longer measures such as cameras or speed bumps."),
    )
    previous_priorities = models.TextField(_("what was done about last week's priorities"), blank=True)
    observations = models.TextField(_("the safety hosts' observations"), blank=True)
    police_intelligence = models.TextField(
        _("the police's intelligence"),
        blank=True,
        help_text=_("Only the police and the security unit read this, here and in the weekly report sent to them."),
    )
    attendance = models.TextField(_("attendance"), blank=True, help_text=_("Who took part in the meeting."))
    attended_by = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="est_meetings_attended",
        verbose_name=_("parties present"),
        help_text=_("The agreement's commitment to attend every week is followed up from these."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["invited_at", "reminded_at", "closed_at", "reported_at"])

    class Meta:
        ordering = ["-monday"]
        verbose_name = _("week")
        verbose_name_plural = _("weeks")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "monday"],
                name="week_unique_monday",
                violation_error_message=_("The municipality already has this week."),
            )
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("situation:week", kwargs={"pk": self.municipality_id, "week": self.label})

    @property
    def label(self) -> str:
        """The ISO week as written in addresses and on the page: 2026-W47."""
        year, week, _weekday = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def number(self) -> int:
        return self.monday.isocalendar()[1]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Answer(models.Model):
    """A reporter's answer to a week's survey, given once: a rating per factor and place, and a free text."""

    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="answers", verbose_name=_("week"))
    reporter = models.ForeignKey(Reporter, on_delete=models.CASCADE, related_name="answers", verbose_name=_("reporter"))
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    # Personal data: emptied after EST_FREE_TEXT_RETENTION_DAYS by a periodic job; the ratings stay.
    free_text = models.TextField(_("anything else to tell"), blank=True)

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["week", "reporter"],
                name="answer_once_per_week",
                violation_error_message=_("You have already answered this week's survey."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.reporter} {self.week}"


class Rating(models.Model):
    """How the past week was for one factor at one place: 0 (no problems) to 3 (great problems), or not known."""

    SCALE = (0, 1, 2, 3)

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="ratings")
    factor = models.ForeignKey(Factor, on_delete=models.PROTECT, related_name="ratings")
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="ratings")
    value = models.PositiveSmallIntegerField(null=True, blank=True)  # None: "vet ej"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "factor", "place"], name="rating_once_per_factor_and_place"),
            models.CheckConstraint(condition=Q(value__lte=3), name="rating_on_the_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.factor} {self.place}: {self.value}"


class CrimeCount(models.Model):
    """How many crimes of one type were reported at one place in a month (or on a day), as imported from the
    police's or the municipality's statistics."""

    class Source(models.TextChoices):
        POLICE = "police", _("The police's reported crimes")
        MUNICIPALITY = "municipality", _("The municipality's vandalism reports")

    municipality = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="crime_counts", verbose_name=_("municipality")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    month = models.DateField(_("month"))  # its first day
    day = models.DateField(_("date"), null=True, blank=True)  # when the export gave dates
    crime_type = models.CharField(_("type of crime"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("crime count")
        verbose_name_plural = _("crime counts")
        indexes = [models.Index(fields=["municipality", "source", "month"], name="crime_count_by_month")]

    def __str__(self) -> str:
        return f"{self.crime_type} {self.place} {self.month:%Y-%m}: {self.count}"


class IndicatorSeries(models.Model):
    """An agreement's indicator read from the imported statistics: the source, and the type of crime and place it
    counts (empty: all of them). Its yearly value fills the follow-up."""

    indicator = models.OneToOneField(
        "focusareas.Indicator", on_delete=models.CASCADE, related_name="statistics_series", verbose_name=_("indicator")
    )
    municipality = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="indicator_series", verbose_name=_("municipality")
    )
    source = models.CharField(_("source"), max_length=20, choices=CrimeCount.Source.choices)
    crime_type = models.CharField(_("type of crime"), max_length=200, blank=True, help_text=_("Empty: every type."))
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("Empty: the whole municipality."))

    class Meta:
        verbose_name = _("statistics series")
        verbose_name_plural = _("statistics series")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return ", ".join(
            [
                str(self.get_source_display()),
                self.crime_type or str(_("every type")),
                self.place or str(_("whole municipality")),
            ]
        )


class AttendedCommitment(models.Model):
    """An agreement's commitment to take part in the weekly EST meeting ("varje vecka närvara vid EST-mötet"),
    followed up from the parties each meeting records as present."""

    commitment = models.OneToOneField(
        "focusareas.Commitment",
        on_delete=models.CASCADE,
        related_name="est_attendance",
        verbose_name=_("commitment"),
    )
    municipality = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="attended_commitments", verbose_name=_("municipality")
    )

    class Meta:
        verbose_name = _("commitment followed up by attendance")
        verbose_name_plural = _("commitments followed up by attendance")

    def __str__(self) -> str:
        return str(self.commitment)


class YearlyPicture(models.Model):
    """The municipality's lägesbild of a year, as Lag (2023:196) asks: the mapping (generated from the statistics
    and the weekly answers), the security unit's analysis, the sources and their limits, and the åtgärdsplan decided
    from it. Once the council has approved it (date and diarienummer), it no longer changes."""

    municipality = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="yearly_pictures", verbose_name=_("municipality")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    analysis = models.TextField(_("analysis"), blank=True, help_text=_("Where the problems are largest, and why."))
    sources = models.TextField(
        _("sources and their limits"),
        blank=True,
        help_text=_("E.g. the police's safety survey, dialogues, what the statistics do not show."),
    )
    approved_on = models.DateField(_("approved by the council on"), null=True, blank=True)
    case_number = models.CharField(_("case number (diarienummer)"), max_length=50, blank=True)
    # The chapters of Bilaga 1 it was placed in as a snapshot; a revision's copy of one is found by the section's key.
    chapters = models.ManyToManyField("agreements.Section", blank=True, related_name="yearly_pictures", editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-year"]
        verbose_name = _("yearly situation picture")
        verbose_name_plural = _("yearly situation pictures")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"],
                name="yearly_picture_once_per_year",
                violation_error_message=_("The municipality already has a situation picture of this year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}"

    @property
    def is_frozen(self) -> bool:
        return self.approved_on is not None


class Measure(models.Model):
    """A measure the åtgärdsplan decides: the problem it addresses, who carries it out and when, the focus area it
    belongs to and the indicator that follows it."""

    picture = models.ForeignKey(YearlyPicture, on_delete=models.CASCADE, related_name="measures")
    problem = models.TextField(_("problem addressed"))
    measure = models.TextField(_("measure"))
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)
    timing = models.CharField(_("when"), max_length=200, blank=True)
    focus_area = models.ForeignKey(
        "focusareas.FocusArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("focus area"),
    )
    indicator = models.ForeignKey(
        "focusareas.Indicator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("indicator"),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # The commitments the measure was carried over as; carrying it over again updates the one in the agreement (or
    # the revision's copy of it, found by its key) rather than adding another, and their follow-up is its status.
    commitments = models.ManyToManyField(
        "focusareas.Commitment", blank=True, related_name="measures", editable=False, verbose_name=_("commitments")
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return self.measure


class SafetySurvey(models.Model):
    """The police's trygghetsmätning of one area of the municipality in one year: the overall problem index, the
    share who feel safe, and each problem's index (its `problems`)."""

    municipality = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="safety_surveys", verbose_name=_("municipality")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    area = models.CharField(_("area"), max_length=200)
    problem_index = models.DecimalField(
        _("problem index"), max_digits=4, decimal_places=2, null=True, blank=True, help_text=_("All problems together.")
    )
    safe_share = models.DecimalField(
        _("feel safe (%)"), max_digits=4, decimal_places=1, null=True, blank=True, help_text=_("Per cent, 0–100.")
    )

    class Meta:
        ordering = ["-year", "area"]
        verbose_name = _("safety survey")
        verbose_name_plural = _("safety surveys")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "area"],
                name="safety_survey_once_per_area_and_year",
                violation_error_message=_("The municipality already has a safety survey of this area and year."),
            ),
            models.CheckConstraint(
                condition=Q(safe_share__gte=0, safe_share__lte=100), name="safety_survey_share_in_per_cent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.year}"


class ProblemIndex(models.Model):
    """How large the people of an area find one problem in the police's safety survey (Nedskräpning 2,1)."""

    survey = models.ForeignKey(SafetySurvey, on_delete=models.CASCADE, related_name="problems")
    problem = models.CharField(_("problem"), max_length=200)
    value = models.DecimalField(_("index"), max_digits=4, decimal_places=2)

    class Meta:
        ordering = ["problem", "pk"]
        verbose_name = _("problem index")
        verbose_name_plural = _("problem indices")
        constraints = [
            models.UniqueConstraint(fields=["survey", "problem"], name="problem_index_once_per_survey"),
            models.CheckConstraint(condition=Q(value__gte=0, value__lte=10), name="problem_index_on_the_scale"),
        ]

    def __str__(self) -> str:
        return f"{self.problem}: {self.value}"
