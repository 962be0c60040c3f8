from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from agreements.models import Agreement, AgreementContent, Organisation, Section
from samverkan.lib.richtext import RichTextField


class FocusArea(AgreementContent):
    """A focus area (fokusområde) of the agreement, shown under the section staff choose: in Bilaga 1, or in the
    agreement's own part where its authors wrote it there."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="focus_areas")
    placement = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="focus_areas",
        verbose_name=_("shown under section"),
        help_text=_("The section under which the focus area appears, e.g. “Fokusområden 2023–2026” in Bilaga 1."),
    )
    group_heading = models.CharField(
        _("group heading"),
        max_length=200,
        blank=True,
        help_text=_("Focus areas with the same group heading are shown together under it, e.g. “Brottsstatistik”."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = RichTextField(_("description"), blank=True)
    prioritised = models.BooleanField(_("prioritised"), default=False)
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    compared_fields = ("title", "group_heading", "description", "prioritised")

    history = HistoricalRecords(excluded_fields=["version", "key"])

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.placement_id and self.placement.agreement_id != self.agreement_id:
            raise ValidationError({"placement": _("Choose a section of this agreement.")})


class FocusAreaSection(AgreementContent):
    """A numbered part of a focus area's prose ("4.3.1 Lägesbild"); activities and commitments can stand in it."""

    agreement_path = "focus_area__agreement_id"

    focus_area = models.ForeignKey(FocusArea, on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(_("heading"), max_length=200)
    body = RichTextField(_("text"), blank=True)
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    compared_fields = ("heading", "body")

    history = HistoricalRecords(excluded_fields=["version", "key"])

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("focus area section")
        verbose_name_plural = _("focus area sections")

    def __str__(self) -> str:
        return self.heading


def _section_field() -> models.ForeignKey:
    # Deleting a section keeps what stood in it: it then prints with the rest of its focus area.
    return models.ForeignKey(
        FocusAreaSection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("section of the focus area"),
        help_text=_("Where in the focus area's text it is printed; without a section it follows the text."),
    )


def _section_error(item: ActivityRow | Commitment) -> dict:
    """The refusal of a section that is not part of the item's own focus area."""
    if item.section_id and item.section.focus_area_id != item.focus_area_id:
        return {"section": _("Choose a section of the same focus area.")}
    return {}


class Goal(AgreementContent):
    """A goal the work is to reach: an effect goal or a result goal, optionally measured by an indicator."""

    class Kind(models.TextChoices):
        EFFECT = "effect", _("Effect goal")
        RESULT = "result", _("Result goal")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="goals")
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.CASCADE, null=True, blank=True, related_name="goals", verbose_name=_("focus area")
    )
    kind = models.CharField(_("kind of goal"), max_length=10, choices=Kind.choices, default=Kind.EFFECT)
    text = models.TextField(_("goal"))
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    compared_fields = ("kind", "text")

    history = HistoricalRecords(excluded_fields=["version", "key"])

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.text


# The units an indicator in per cent is written with.
PERCENT_UNITS = {"%", "procent", "per cent", "percent", "andel (%)", "andel i procent"}


class Indicator(AgreementContent):
    """What is measured to follow a goal: its source, the direction wanted, the baseline and the target."""

    class Source(models.TextChoices):
        REPORTED_CRIME = "reported_crime", _("Reported crime")
        SAFETY_SURVEY = "safety_survey", _("Police safety survey")
        LOCAL_SURVEY = "local_survey", _("Local survey")
        OWN_COUNT = "own_count", _("Own count")
        OTHER = "other", _("Other")

    class Direction(models.TextChoices):
        DECREASE = "decrease", _("Decrease")
        INCREASE = "increase", _("Increase")
        ZERO = "zero", _("Reach zero")
        AT_LEAST = "at_least", _("Reach at least the target")

    agreement_path = "goal__agreement_id"

    goal = models.OneToOneField(Goal, on_delete=models.CASCADE, related_name="indicator")
    name = models.CharField(_("what is measured"), max_length=200)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    direction = models.CharField(_("direction wanted"), max_length=10, choices=Direction.choices)
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True, validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    baseline_value = models.DecimalField(_("baseline value"), max_digits=12, decimal_places=2, null=True, blank=True)
    target_value = models.DecimalField(_("target value"), max_digits=12, decimal_places=2, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=~Q(direction="at_least") | Q(target_value__isnull=False),
                name="indicator_at_least_has_target",
                violation_error_message=_("“Reach at least the target” needs a target value."),
            ),
            models.CheckConstraint(
                condition=Q(baseline_year__isnull=True, baseline_value__isnull=True)
                | Q(baseline_year__isnull=False, baseline_value__isnull=False),
                name="indicator_baseline_year_with_value",
                violation_error_message=_("A baseline needs both its year and its value."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_percentage(self) -> bool:
        """Whether the indicator is a share in per cent, whose values lie within 0–100."""
        return self.unit.strip().lower() in PERCENT_UNITS


class ActivityRow(AgreementContent):
    """One row of a focus area's table: Aktivitet | Åtgärd | Uppföljning | Mål/Effekt."""

    agreement_path = "focus_area__agreement_id"

    focus_area = models.ForeignKey(FocusArea, on_delete=models.CASCADE, related_name="rows")
    section = _section_field()
    activity = models.TextField(_("activity"))
    measure = models.TextField(_("measure"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    goal_effect = models.TextField(_("goal/effect"), blank=True)
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    goals = models.ManyToManyField(Goal, blank=True, related_name="activity_rows", verbose_name=_("serves the goals"))
    order = models.PositiveIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    compared_fields = ("activity", "measure", "follow_up", "goal_effect")

    history = HistoricalRecords(excluded_fields=["version", "key"])

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")

    def __str__(self) -> str:
        return self.activity

    def clean(self) -> None:
        if errors := _section_error(self):
            raise ValidationError(errors)


class ActionPlan(AgreementContent):
    """A yearly action plan (handlingsplan) under the agreement, holding commitments."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="action_plans")
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return self.title


class Commitment(AgreementContent):
    """What one or more parties commit to do ("Polisen förbinder sig att …"), reviewed by the police."""

    class TargetScope(models.TextChoices):
        PER_YEAR = "per_year", _("per year")
        PERIOD = "period", _("during the agreement period")

    class ReviewStatus(models.TextChoices):
        OPEN = "open", _("Awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        CHANGE_REQUESTED = "change_requested", _("Change requested")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="commitments")
    focus_area = models.ForeignKey(
        FocusArea,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("focus area"),
    )
    section = _section_field()
    # Written in the agreement's text (imported from Word, "Polisen förbinder sig att …" under "Parternas
    # åtaganden"): printed there, in the order written, rather than with the focus area's commitments.
    placement = models.ForeignKey(
        Section,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("written in section"),
    )
    action_plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("action plan"),
    )
    parties = models.ManyToManyField(Organisation, related_name="+", verbose_name=_("who commits"))
    text = models.TextField(_("commitment"))
    responsible_role = models.CharField(
        _("responsible for carrying out and following up"),
        max_length=300,
        blank=True,
        help_text=_("A role, not a person, e.g. “chefen för individ- och familjeomsorgen”."),
    )
    target_value = models.PositiveIntegerField(
        _("target"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(1_000_000)],
        help_text=_("At least this many."),
    )
    target_unit = models.CharField(_("unit of the target"), max_length=100, blank=True)
    target_scope = models.CharField(_("target applies"), max_length=10, choices=TargetScope.choices, blank=True)
    # Real targets are often neither per year nor for the period ("minst 3 under perioden maj–dec", "1,2 kontroller
    # per dygn"); the words are what the agreement says, the number above what the follow-up counts against.
    target_text = models.CharField(
        _("target as written"),
        max_length=300,
        blank=True,
        help_text=_(
            "The target in the agreement's own words, e.g. “minst 3 under perioden maj–dec” or “1,2 kontroller per "
            "dygn”. Shown instead of the number; the follow-up counts against the number when there is one."
        ),
    )
    target_group = models.CharField(
        _("target group"),
        max_length=200,
        blank=True,
        help_text=_("Who the commitment is for, e.g. “unga 13–17 år” or “krögare”."),
    )
    timing = models.CharField(_("when"), max_length=200, blank=True)
    milestones = models.CharField(
        _("milestones during the year"),
        max_length=1000,
        blank=True,
        help_text=_("One per line, e.g. “Under våren: …” and “Vid skolstart: …”."),
    )
    place = models.CharField(_("where"), max_length=200, blank=True)
    third_parties = models.CharField(_("other actors involved"), max_length=300, blank=True)
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    goals = models.ManyToManyField(Goal, blank=True, related_name="commitments", verbose_name=_("serves the goals"))
    order = models.PositiveIntegerField(_("order"), default=0)
    review_status = models.CharField(
        _("review"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.OPEN, editable=False
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    reset_on_copy = {"review_status": ReviewStatus.OPEN}
    compared_fields = (
        "text",
        "target_group",
        "responsible_role",
        "target_value",
        "target_unit",
        "target_scope",
        "target_text",
        "timing",
        "milestones",
    )

    history = HistoricalRecords(excluded_fields=["version", "key"], m2m_fields=[parties])

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.CheckConstraint(
                condition=Q(focus_area__isnull=False) | Q(action_plan__isnull=False) | Q(placement__isnull=False),
                name="commitment_in_focus_area_action_plan_or_section",
                violation_error_message=_("A commitment belongs to a focus area, an action plan or both."),
            ),
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | ~Q(target_scope=""),
                name="commitment_target_has_scope",
                violation_error_message=_("Say whether the target applies per year or to the whole period."),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def milestone_lines(self) -> list[str]:
        """The milestones one per line, without empty lines."""
        return [line.strip() for line in self.milestones.splitlines() if line.strip()]

    def clean(self) -> None:
        errors = {}
        if self.target_value is not None and not self.target_scope:
            errors["target_scope"] = _("Say whether the target applies per year or to the whole period.")
        if self.target_value is None and (self.target_unit or self.target_scope):
            errors["target_value"] = _("Give the number the target is about.")
        if not (self.focus_area_id or self.action_plan_id or self.placement_id):
            errors["focus_area"] = _("A commitment belongs to a focus area, an action plan or both.")
        errors |= _section_error(self)
        if errors:
            raise ValidationError(errors)


class ReviewEntry(AgreementContent):
    """One step in a commitment's review thread: a decision or a comment, with its author and time."""

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", pgettext_lazy("review step", "Accepted")
        CHANGE_REQUESTED = "change_requested", _("Requested a change")
        COMMENT = "comment", _("Commented")
        REVISED = "revised", _("Revised the commitment")
        PARTIES_CHANGED = "parties_changed", _("Changed the agreement's parties")

    agreement_path = "commitment__agreement_id"
    # The review of a revision starts anew, and the thread is no part of the text the signatures are recorded on.
    in_copy = False
    in_fingerprint = False

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="review_entries")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review entry")
        verbose_name_plural = _("review entries")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:50]}"


class Comment(AgreementContent):
    """A comment in the review thread of a part of the document other than a commitment (a commitment's thread is
    its review): a section, a focus area or one of its sections, an activity row, or a goal with its indicator."""

    class About(models.TextChoices):
        SECTION = "avsnitt", _("section")
        FOCUS_AREA = "fokusomrade", _("focus area")
        FOCUS_AREA_SECTION = "delavsnitt", _("section of a focus area")
        ACTIVITY = "aktivitet", _("activity")
        GOAL = "mal", _("goal")

    # A thread is no part of the text the parties approve and sign, and a revision's review starts anew.
    in_copy = False
    in_fingerprint = False

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="comments")
    about = models.CharField(max_length=20, choices=About.choices)
    key = models.UUIDField()  # the item's key
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["agreement", "about", "key"], name="comment_thread")]

    def __str__(self) -> str:
        return self.text[:50]


def commented_models() -> dict[str, type[models.Model]]:
    """The model of each kind of item a comment thread can be about."""
    return {
        Comment.About.SECTION: Section,
        Comment.About.FOCUS_AREA: FocusArea,
        Comment.About.FOCUS_AREA_SECTION: FocusAreaSection,
        Comment.About.ACTIVITY: ActivityRow,
        Comment.About.GOAL: Goal,
    }
