from __future__ import annotations

import functools
import uuid
from collections.abc import Collection, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models, router, transaction
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samverkan.lib.archive import ArchivedFile
from samverkan.lib.images import image_extension, image_stored_name, validate_image
from samverkan.lib.queries import ANY_AGREEMENT, Prepared
from samverkan.lib.richtext import RichTextField
from samverkan.lib.versions import history_of

MAX_PERIOD_YEARS = 10
MAX_SECTION_DEPTH = 3
FROZEN_MESSAGE = _(
    "The agreement is signed and can no longer be changed. Create a new revision to amend it, "
    "or renew it for the next period."
)


# Sent (agreement_id=…) in the transaction of every write to an agreement that is not signed or to its content, once
# the write is let through: what is derived from the content follows it (the documents app lays its PDF out anew).
agreement_changed = Signal()


class AgreementFrozen(ValidationError):
    """A change to a signed agreement or to anything under it."""

    def __init__(self) -> None:
        super().__init__(FROZEN_MESSAGE, code="frozen")


def in_transaction(model: type[models.Model]) -> AbstractContextManager:
    """The caller's transaction, or a new one around the block: a row lock taken in it then lasts until the write
    it guards is committed."""
    using = router.db_for_write(model)
    return nullcontext() if transaction.get_connection(using).in_atomic_block else transaction.atomic(using=using)


class AgreementContent(models.Model):
    """Something that is part of an agreement's content, and so is frozen with it once it is signed."""

    agreement_path = "agreement_id"
    # What a copy of the agreement (a revision, a renewal) starts afresh; any `version` starts again at 1.
    reset_on_copy: dict = {}
    # Whether a revision or renewal carries the rows over, and whether the signatures are recorded on them.
    in_copy = True
    in_fingerprint = True
    # The fields the comparison of two revisions shows, for content matched across revisions by its `key`.
    compared_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        with in_transaction(type(self)):
            self.refuse_if_frozen()
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with in_transaction(type(self)):
            self.refuse_if_frozen()
            return super().delete(*args, **kwargs)

    def owning_agreement_id(self) -> int | None:
        owner = self
        *hops, last = self.agreement_path.split("__")
        for hop in hops:
            owner = getattr(owner, hop)
        return getattr(owner, last)

    def refuse_if_frozen(self) -> None:
        """Raise AgreementFrozen if the agreement is signed. Call it in the transaction of the write it guards: it
        locks the agreement's row, so that the write waits for a signing under way (and is then refused) and a
        signing waits for the write (and then sees it when it checks what it signs). Every write to the content
        passes here, bulk ones too, so here `agreement_changed` is sent."""
        agreement_id = self.owning_agreement_id()
        if Agreement.stored_as_frozen(agreement_id):
            raise AgreementFrozen
        agreement_changed.send(sender=type(self), agreement_id=agreement_id)


def logo_path(instance: Organisation, filename: str) -> str:
    """A logo uploaded on a form is stored under a name of our own, with the extension of what its content is; code
    saving a file itself gives the name (one of ours)."""
    return f"logos/{image_stored_name(image_extension(instance.logo)) if instance.logo else filename}"


class OrganisationQuerySet(models.QuerySet):
    def parties_of(self, agreement_id: int) -> OrganisationQuerySet:
        """The organisations among the agreement's parties, in the agreement's party order, each with `party_name`:
        what the agreement's text calls it (its display name there, or its full name)."""
        return self.parties_of_each([agreement_id])

    def parties_of_each(self, agreement_ids: Collection[int]) -> OrganisationQuerySet:
        """`parties_of` several agreements in one query, each row with the agreement it is party to
        (`party_agreement`): an organisation party to two of them is two rows."""
        return (
            self.filter(agreement_parties__agreement_id__in=agreement_ids)
            .annotate(
                party_agreement=F("agreement_parties__agreement_id"),
                party_name=Coalesce(NullIf(F("agreement_parties__display_name"), Value("")), F("name")),
                party_order=F("agreement_parties__order"),
            )
            .order_by("party_agreement", "party_order", "agreement_parties__pk")
        )


def party_names(agreement_id: int) -> list[tuple[int, str, str]]:
    """(id, name, what the agreement's text calls it) of each of the agreement's parties, in its party order: part of
    the keys of cached HTML, read on every page of an agreement by SQL written and prepared once."""
    with connection.cursor() as cursor:
        cursor.execute(*_party_names().with_values({ANY_AGREEMENT: agreement_id}))
        return [tuple(row) for row in cursor.fetchall()]


@functools.cache
def _party_names() -> Prepared:
    names = Organisation.objects.parties_of(ANY_AGREEMENT).values_list("pk", "name", "party_name")
    return Prepared.of("samverkan_party_names", names)


class Organisation(models.Model):
    """A party that can sign agreements: a municipality, a police area or another actor."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        POLICE_AREA = "police_area", _("Local police area")
        POLICE_DISTRICT = "police_district", _("Police district")
        OTHER = "other", _("Other party")

    POLICE_KINDS = (Kind.POLICE_AREA, Kind.POLICE_DISTRICT)
    MUNICIPAL_KINDS = (Kind.MUNICIPALITY, Kind.OTHER)

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    logo = models.FileField(
        _("logo"),
        upload_to=logo_path,
        blank=True,
        validators=[validate_image],
        max_length=200,
        help_text=_("PNG, JPEG, GIF or WebP, at most 5 MB; shown on the cover and in the running header of the PDFs."),
    )

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def is_police(self) -> bool:
        return self.kind in self.POLICE_KINDS


class MembershipQuerySet(models.QuerySet):
    def addressed(self) -> MembershipQuerySet:
        """The memberships of active users with an e-mail address who have not turned e-mail off."""
        return self.filter(user__is_active=True).exclude(user__email="").exclude(user__preferences__wants_email=False)

    def addresses(self, *, agreement: Agreement, kinds: Iterable[str], roles: Iterable[str]) -> list[str]:
        """The e-mail addresses of the active members with one of the roles in the agreement's parties of the
        given kinds who want e-mail: whom a message about the agreement goes to."""
        return list(
            self.addressed()
            .filter(role__in=roles, organisation__kind__in=kinds, organisation__agreement_parties__agreement=agreement)
            .values_list("user__email", flat=True)
            .distinct()
        )


class Membership(models.Model):
    """A user's role in an organisation; it decides what the user may see and do."""

    class Role(models.TextChoices):
        EDITOR = "editor", _("Editor (security unit)")
        REVIEWER = "reviewer", _("Reviewer (police)")
        READER = "reader", _("Reader (council)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_administrator = models.BooleanField(
        _("administrator"),
        default=False,
        help_text=_(
            "Invites the organisation's users, sets their roles, deactivates them and adds partner organisations."
        ),
    )

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="membership_unique_user_organisation",
                violation_error_message=_("The user already has a role in this organisation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class Preferences(models.Model):
    """A user's own choices in the service: whether it tells them by e-mail when a step waits for them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="preferences"
    )
    wants_email = models.BooleanField(
        _("e-mail me"),
        default=True,
        help_text=_(
            "When a step waits for you (a review, a change request, a follow-up to confirm or approve), reminders "
            "before a deadline and a weekly summary on Mondays. What waits for you is on your start page either way."
        ),
    )

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return str(self.user)


class SentReminder(models.Model):
    """A reminder or summary sent to a user for one period: the unique row that makes a job send it once, however
    often the job runs for that period (a restart, two schedulers, a retry)."""

    reminder = models.CharField(max_length=50)  # which message: "followup_deadline", "weekly_digest", …
    about = models.CharField(max_length=100)  # what it reminds of: a deadline and its day, an agreement's review, …
    period = models.CharField(max_length=40)  # the job's period, or the step of the reminder
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "about", "period", "recipient"], name="sent_reminder_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reminder} {self.about} {self.period} → {self.recipient}"


class AgreementQuerySet(models.QuerySet):
    def visible_to(self, user) -> AgreementQuerySet:
        """Agreements to which one of the user's organisations is party; staff see all."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff or user.is_superuser:
            return self
        return self.filter(pk__in=Party.objects.filter(organisation__memberships__user=user).values("agreement_id"))

    def listed(self) -> AgreementQuerySet:
        """Of these agreements (those a user may see), each once: as its latest revision, or, while that is being
        prepared (a draft or in review), as the signed revision in force before it (whose row names the one being
        prepared). Any other earlier revision is reached from the one listed. Each is annotated `preparing`: whether
        a revision of it is being prepared."""
        later = self.filter(previous_revision=OuterRef("pk"))
        in_preparation = later.exclude(status__in=Agreement.FROZEN_STATUSES)
        earlier_in_force = self.filter(pk=OuterRef("previous_revision"), status__in=Agreement.FROZEN_STATUSES)
        latest = ~Exists(later) & (Q(status__in=Agreement.FROZEN_STATUSES) | ~Exists(earlier_in_force))
        return self.annotate(preparing=Exists(in_preparation)).filter(Q(preparing=True) | latest)

    def with_permissions(self, user) -> AgreementQuerySet:
        """Annotate `user_is_editor` (an editor in one of the parties) and `user_can_review` (a reviewer in one
        of the police parties: nobody else decides on the police's behalf)."""

        def member_as(role: str, **organisation):
            return Exists(
                Party.objects.filter(
                    agreement=OuterRef("pk"),
                    organisation__memberships__user=user,
                    organisation__memberships__role=role,
                    **organisation,
                )
            )

        return self.annotate(
            user_is_editor=Value(True) if user.is_superuser else member_as(Membership.Role.EDITOR),
            user_can_review=member_as(Membership.Role.REVIEWER, organisation__kind__in=Organisation.POLICE_KINDS),
        )


class Agreement(models.Model):
    """A collaboration agreement (samverkansöverenskommelse) between a municipality and the police."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        SIGNED = "signed", _("Signed")
        ENDED = "ended", _("Ended")

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("Collaboration agreement")
        CITIZEN_PROMISE = "citizen_promise", _("Citizen promise")

    class FollowUpFrequency(models.IntegerChoices):
        """How often the document is followed up: the number of follow-ups in a year."""

        YEARLY = 1, _("Yearly")
        HALF_YEARLY = 2, _("Half-yearly")
        QUARTERLY = 4, _("Quarterly")

    class FollowedUpBy(models.TextChoices):
        """Which parties fill in and confirm the follow-up: all of them, or (a citizen promise) one side."""

        ALL = "all", _("All parties")
        POLICE = "police", _("The police")
        MUNICIPALITY = "municipality", _("The municipality")

    FROZEN_STATUSES = (Status.SIGNED, Status.ENDED)
    reset_on_copy = {"status": Status.DRAFT, "creation_key": None, "signing_place": "", "signing_date": None}
    compared_fields = (
        "title",
        "start_date",
        "end_date",
        "revision_interval_years",
        "first_follow_up_year",
        "follow_up_frequency",
        "followed_up_by",
        "lists_focus_areas",
        "purpose",
        "overall_goals",
        "standing_commitments",
        "follow_up",
        "copies",
    )

    title = models.CharField(_("title"), max_length=200)
    # A citizen promise (medborgarlöfte) is published rather than signed, and its parties promise ("lovar att")
    # rather than commit; the kind decides the wording, the printed closing and the workflow.
    kind = models.CharField(_("kind of document"), max_length=20, choices=Kind.choices, default=Kind.AGREEMENT)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    parties = models.ManyToManyField(Organisation, through="Party", related_name="agreements")
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Leave empty if the agreement applies until further notice.")
    )
    revision_interval_years = models.PositiveSmallIntegerField(
        _("revised every (years)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PERIOD_YEARS)],
        help_text=_(
            "Required for an agreement that applies until further notice; a fixed period may also name how often "
            "it is revised (e.g. the situation picture and action plan every other year)."
        ),
    )
    first_follow_up_year = models.PositiveSmallIntegerField(
        _("first year followed up"),
        null=True,
        blank=True,
        help_text=_("Leave empty to follow up from the start year."),
    )
    follow_up_frequency = models.PositiveSmallIntegerField(
        _("followed up"), choices=FollowUpFrequency.choices, default=FollowUpFrequency.YEARLY
    )
    followed_up_by = models.CharField(
        _("followed up by"),
        max_length=12,
        choices=FollowedUpBy.choices,
        default=FollowedUpBy.ALL,
        help_text=_("A citizen promise may be followed up by the police or the municipality alone."),
    )
    lists_focus_areas = models.BooleanField(
        _("list the focus areas in the agreement"),
        default=True,
        help_text=_(
            "The agreement names its focus areas and refers to Bilaga 1 for them; untick it when the text already does."
        ),
    )
    # The main part's fixed blocks in the order the authors chose, each with its heading and whether it is printed:
    # [{"block": "purpose", "heading": "Syfte", "shown": true}, …]; empty for the usual order and headings.
    layout = models.JSONField(_("layout"), default=list, blank=True)
    numbers_agreement = models.BooleanField(_("number the agreement's sections"), default=True)
    # "1 Syfte, 2 Bakgrund, 3 Mål": the headed fixed blocks numbered in one sequence with the numbered sections.
    numbers_blocks = models.BooleanField(_("number the fixed blocks with the sections"), default=False)
    numbers_appendix = models.BooleanField(_("number the sections of Bilaga 1"), default=True)
    forums_in_appendix = models.BooleanField(_("print the cooperation forums in Bilaga 1"), default=False)
    purpose = models.TextField(_("purpose"), blank=True)
    overall_goals = models.TextField(_("overall goals"), blank=True, help_text=_("One goal per line."))
    standing_commitments = models.TextField(_("standing commitments"), blank=True)
    follow_up = models.TextField(_("how the agreement is followed up"), blank=True)
    copies = models.PositiveSmallIntegerField(
        _("number of copies"), default=2, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    signing_place = models.CharField(_("place of signing"), max_length=100, blank=True)
    signing_date = models.DateField(_("date of signing"), null=True, blank=True)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1, editable=False)
    previous_revision = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="later_revisions"
    )
    renews = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="renewals",
        verbose_name=_("renews"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # The new-agreement form that created it, so that sending that form twice creates one agreement.
    creation_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["version", "creation_key", "created_at", "updated_at"])
    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("start_date")),
                name="agreement_end_after_start",
                violation_error_message=_("The end date must be after the start date."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=False) | Q(revision_interval_years__isnull=False),
                name="agreement_open_ended_has_revision_interval",
                violation_error_message=_("An agreement without an end date needs a revision interval."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, update_fields=None, **kwargs) -> None:
        # Once signed, only the status may move on (to ended); everything else is frozen.
        status_only = update_fields is not None and set(update_fields) <= {"status", "updated_at"}
        with in_transaction(type(self)):
            if self.pk and not status_only and self.stored_as_frozen(self.pk):
                raise AgreementFrozen
            super().save(*args, update_fields=update_fields, **kwargs)
            if not self.is_frozen:
                agreement_changed.send(sender=type(self), agreement_id=self.pk)

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        with in_transaction(type(self)):
            if self.stored_as_frozen(self.pk):
                raise AgreementFrozen
            return super().delete(*args, **kwargs)

    @classmethod
    def stored_as_frozen(cls, pk: int | None) -> bool:
        """Whether the agreement is signed as stored, read under a lock on its row held to the end of the caller's
        transaction: signing takes the same lock, so a change and a signing of one agreement happen one after the
        other, never interleaved."""
        status = cls.objects.select_for_update().filter(pk=pk).values_list("status", flat=True).first()
        return status in cls.FROZEN_STATUSES

    @property
    def is_frozen(self) -> bool:
        return self.status in self.FROZEN_STATUSES

    @property
    def user_can_edit(self) -> bool:
        """For an agreement fetched `with_permissions`: the user is an editor and the agreement is not signed."""
        return getattr(self, "user_is_editor", False) and not self.is_frozen

    @property
    def shown_status(self) -> str:
        """The status as users see it: a signed agreement past its end date has ended."""
        if self.status == self.Status.SIGNED and self.end_date and self.end_date < timezone.localdate():
            return self.Status.ENDED
        return self.status

    def get_shown_status_display(self) -> str:
        # A citizen promise is frozen by publishing it, not by signatures.
        if self.is_citizen_promise and self.shown_status == self.Status.SIGNED:
            return _("Published")
        return self.Status(self.shown_status).label

    @property
    def is_unsent_draft(self) -> bool:
        """A draft never sent for review: nobody but its editors has been asked to act on it, so it may be deleted."""
        return (
            self.status == self.Status.DRAFT
            and not history_of(Agreement).filter(id=self.pk, status=self.Status.REVIEW).exists()
        )

    @property
    def is_citizen_promise(self) -> bool:
        return self.kind == self.Kind.CITIZEN_PROMISE

    def clean(self) -> None:
        if self.start_date and self.end_date:
            if self.end_date <= self.start_date:
                raise ValidationError({"end_date": _("The end date must be after the start date.")})
            if (self.end_date - self.start_date).days > MAX_PERIOD_YEARS * 366:
                raise ValidationError(
                    {"end_date": _("An agreement can run for at most %(years)d years.") % {"years": MAX_PERIOD_YEARS}}
                )
        if self.start_date and not self.end_date and not self.revision_interval_years:
            raise ValidationError(
                {"revision_interval_years": _("An agreement without an end date needs a revision interval.")}
            )
        if self.followed_up_by != self.FollowedUpBy.ALL and not self.is_citizen_promise:
            raise ValidationError({"followed_up_by": _("A collaboration agreement is followed up by all its parties.")})
        if self.start_date and self.first_follow_up_year is not None:
            last = self.end_date.year if self.end_date else None
            if self.first_follow_up_year < self.start_date.year or (last and self.first_follow_up_year > last):
                raise ValidationError(
                    {"first_follow_up_year": _("The first year followed up must be a year of the agreement's period.")}
                )

    @property
    def overall_goal_list(self) -> list[str]:
        return [line.strip() for line in self.overall_goals.splitlines() if line.strip()]

    @property
    def period_label(self) -> str:
        if self.end_date is None:
            return _("from %(start)s until further notice") % {"start": self.start_date.year}
        if self.start_date.year == self.end_date.year:
            return str(self.start_date.year)
        return f"{self.start_date.year}–{self.end_date.year}"

    @property
    def follow_up_from(self) -> int:
        """The first year a follow-up is made for: the one the parties chose, or the start year."""
        return self.first_follow_up_year or self.start_date.year

    @property
    def follow_up_periods(self) -> list[int]:
        """The periods of a year followed up: 0, the whole year, or the halves (1–2) or quarters (1–4)."""
        if self.follow_up_frequency == self.FollowUpFrequency.YEARLY:
            return [0]
        return list(range(1, self.follow_up_frequency + 1))

    @property
    def following_up_kinds(self) -> tuple[str, ...]:
        """The kinds of organisation among the parties that fill in and confirm the follow-up."""
        return {
            self.FollowedUpBy.POLICE: Organisation.POLICE_KINDS,
            self.FollowedUpBy.MUNICIPALITY: Organisation.MUNICIPAL_KINDS,
        }.get(self.followed_up_by, (*Organisation.MUNICIPAL_KINDS, *Organisation.POLICE_KINDS))

    @property
    def followed_up_by_one_side(self) -> bool:
        """One side's confirmation is all the follow-up needs before its approval."""
        return self.followed_up_by != self.FollowedUpBy.ALL

    def is_active_in(self, year: int) -> bool:
        return self.start_date <= date(year, 12, 31) and (self.end_date is None or self.end_date >= date(year, 1, 1))


class Party(AgreementContent):
    """An organisation's place among an agreement's parties."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="party_links")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agreement_parties", verbose_name=_("party")
    )
    display_name = models.CharField(
        _("called in the text"),
        max_length=100,
        blank=True,
        help_text=_("How the text names the party, e.g. Polisen or Kommunen; empty for its full name."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "organisation"],
                name="party_unique_agreement_organisation",
                violation_error_message=_("This organisation is already a party to the agreement."),
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class Signatory(AgreementContent):
    """A person who signs the agreement on behalf of one of its parties."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="signatories")
    party = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("party"))
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)

    reset_on_copy = {"signed_on": None}
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self) -> str:
        return f"{self.name}, {self.title}"


class CooperationForum(AgreementContent):
    """A standing group in which the parties meet (samverkansforum)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="forums")
    name = models.CharField(_("name"), max_length=200)
    meeting_frequency = models.CharField(_("meets"), max_length=100, blank=True)
    convener = models.CharField(_("convened by"), max_length=200, blank=True)
    participants = models.TextField(_("participants"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("cooperation forum")
        verbose_name_plural = _("cooperation forums")

    def __str__(self) -> str:
        return self.name


class Section(AgreementContent):
    """A numbered section of the agreement's text or of its appendix (Bilaga 1)."""

    class Part(models.TextChoices):
        AGREEMENT = "agreement", _("The agreement")
        APPENDIX = "appendix", _("Appendix 1")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="sections")
    part = models.CharField(_("part"), max_length=10, choices=Part.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("under section"),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    # A section may have no heading: its text then prints without heading and number, and is not in the contents.
    heading = models.CharField(_("heading"), max_length=200, blank=True)
    body = RichTextField(_("text"), blank=True)
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    compared_fields = ("heading", "body")

    history = HistoricalRecords(excluded_fields=["version", "key"])

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.heading or Truncator(strip_tags(self.body)).words(8) or gettext("Section without heading")


def figure_path(instance: Figure, filename: str) -> str:
    """A figure uploaded on a form is stored under a name of our own, with the extension of what its content is;
    code saving a file itself gives the name (one of ours)."""
    name = image_stored_name(image_extension(instance.image)) if instance.image else filename
    return f"figures/{instance.section.agreement_id}/{name}"


# The alternative text of an image imported from a Word file that described it nowhere, for its editors to replace.
IMPORTED_ALT_TEXT = _("Image from the Word file")


class Figure(AgreementContent):
    """An image in a section (an organisation chart, a cycle, a chart of the situation picture), with the text that
    stands for it for those who cannot see it. A revision's copy shares the stored file, which is never rewritten."""

    class Width(models.IntegerChoices):
        QUARTER = 25, _("A quarter of the text width")
        HALF = 50, _("Half the text width")
        THREE_QUARTERS = 75, _("Three quarters of the text width")
        FULL = 100, _("The full text width")

    agreement_path = "section__agreement_id"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="figures", verbose_name=_("section"))
    image = models.FileField(_("image"), upload_to=figure_path, validators=[validate_image], max_length=200)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=500,
        help_text=_("What the image shows, for those who cannot see it; read aloud by screen readers."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    width = models.PositiveSmallIntegerField(_("width"), choices=Width.choices, default=Width.FULL)
    order = models.PositiveIntegerField(_("order"), default=0)
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    compared_fields = ("alt_text", "caption")

    # The image's stored name says nothing to a reader of the history, and is another one in another installation.
    history = HistoricalRecords(excluded_fields=["version", "key", "image"])

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")

    def __str__(self) -> str:
        return self.caption or self.alt_text

    @property
    def alt_text_to_write(self) -> bool:
        """Whether the alternative text is still the placeholder an import gave it."""
        return self.alt_text in {str(IMPORTED_ALT_TEXT), "Bild från Word-filen"}


@dataclass
class NumberedSection:
    """A section with its place in the document: its number (1.2.) and depth."""

    section: Section
    number: str
    depth: int

    @property
    def heading(self) -> str:
        return self.section.heading

    @property
    def anchor(self) -> str:
        return f"section-{self.section.pk}"


def number_sections(sections: list[Section]) -> list[NumberedSection]:
    """Order sections of one part as a tree and number them 1., 1.1., … in document order. A section without a
    heading has no number and takes none from those after it; its subsections, if any, go on with its siblings'."""
    by_parent: dict[int | None, list[Section]] = {}
    for section in sections:
        by_parent.setdefault(section.parent_id, []).append(section)
    for siblings in by_parent.values():
        siblings.sort(key=lambda s: (s.order, s.pk))

    flat: list[NumberedSection] = []

    def walk(parent_id: int | None, prefix: str, depth: int, counted: list[int]) -> None:
        for section in by_parent.get(parent_id, []):
            if not section.heading:
                flat.append(NumberedSection(section, "", depth))
                walk(section.pk, prefix, depth + 1, counted)
                continue
            counted[0] += 1
            numbered = NumberedSection(section, f"{prefix}{counted[0]}.", depth)
            flat.append(numbered)
            walk(section.pk, numbered.number, depth + 1, [0])

    walk(None, "", 1, [0])
    return flat


class ArchivedPdf(ArchivedFile):
    """The signed agreement's PDF."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="archived_pdfs")

    class Meta:
        ordering = ["-archived_at"]
        verbose_name = _("archived PDF")
        verbose_name_plural = _("archived PDFs")

    def archive_folder(self) -> str:
        return f"archive/{self.agreement_id}"


def agreement_content_models() -> list[type[models.Model]]:
    """The agreement and every model that is part of its content (each declares its `agreement_path`), every model
    after the one it hangs under: the one list of what an agreement holds."""
    from django.apps import apps

    content = [model for model in apps.get_models() if issubclass(model, AgreementContent)]
    return [Agreement, *sorted(content, key=lambda model: model.agreement_path.count("__"))]


def content_parent_field(model: type[models.Model]) -> models.ForeignKey:
    """The foreign key by which a content model hangs under the agreement or under other content."""
    return model._meta.get_field(model.agreement_path.split("__")[0].removesuffix("_id"))


def content_agreement_path(model: type[models.Model]) -> str:
    """The lookup from a row of one model of `agreement_content_models()` to its agreement's id."""
    return "pk" if model is Agreement else model.agreement_path


def content_rows(model: type[models.Model], agreement_id: int) -> models.QuerySet:
    """The rows of one model of `agreement_content_models()` that belong to the agreement (for Agreement, itself)."""
    return model._default_manager.filter(**{content_agreement_path(model): agreement_id})


def content_naming(*, agreement_id: int, organisation: Organisation) -> list[models.Model]:
    """The agreement's content that names the organisation among its own parties (today: commitments), in the order
    it was written."""
    return [
        row
        for model in agreement_content_models()
        if model is not Agreement
        for field in model._meta.many_to_many
        if field.related_model is Organisation
        for row in content_rows(model, agreement_id).filter(**{field.name: organisation}).order_by("pk")
    ]
