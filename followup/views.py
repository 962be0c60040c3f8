from __future__ import annotations

import mimetypes
from functools import partial
from pathlib import PurePosixPath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from agreements.access import get_agreement_for_user, id_or_404
from agreements.models import Agreement
from samverkan.lib.access import Access
from samverkan.lib.archive import archived_pdf_response, pdf_response, pdf_too_large
from samverkan.lib.edits import ConfirmForm, changed_message, stale_form, stale_message, with_version
from samverkan.lib.pdf import RenderTooLarge
from samverkan.lib.versions import StaleEdit

from . import services
from .access import get_report_for_user, may_follow_up, may_start, report_permissions
from .forms import (
    ActivityOutcomeForm,
    ApproveForm,
    CommitmentOutcomeForm,
    DeadlineForm,
    EvaluationForm,
    FocusAreaSummaryForm,
    IndicatorValueForm,
    ReportTextForm,
    SendBackForm,
    StartReportForm,
)
from .models import CommitmentOutcome, Evaluation, FollowUpReport, period_label
from .overview import build_overview, evaluation_of, overview_key
from .pdf import annual_report_pdf, evaluation_pdf_content
from .report import approved_report_key, build_annual_report
from .revisions import revision_chain


def period_years(agreement: Agreement) -> list[int]:
    """The years a follow-up can be made for: the period's from the first year followed up, up to this year."""
    last = min(agreement.end_date.year if agreement.end_date else 2100, timezone.localdate().year)
    return list(range(agreement.follow_up_from, last + 1))


def follow_up_periods(agreement: Agreement) -> list[tuple[int, int, str]]:
    """(year, period, label) of every follow-up that can be made: each year, or each of its halves or quarters."""
    frequency = agreement.follow_up_frequency
    return [
        (year, period, period_label(year, period, frequency))
        for year in period_years(agreement)
        for period in agreement.follow_up_periods
    ]


@login_required
@require_safe
def followup_index(request: HttpRequest, pk: int) -> HttpResponse:
    return _index_page(request, get_agreement_for_user(request.user, pk))


def _index_page(request: HttpRequest, agreement: Agreement, deadline_form: DeadlineForm | None = None) -> HttpResponse:
    """The years (or periods) of the follow-up with their stage and deadline; `deadline_form` is one refused, shown
    again."""
    # The years of every revision so far: a year reported under an earlier one is this agreement's year too.
    reports = {
        (r.year, r.period): r
        for r in FollowUpReport.objects.filter(agreement_id__in=revision_chain(agreement)).select_related("agreement")
    }
    deadlines = {(d.year, d.period): d for d in agreement.follow_up_deadlines.all()}
    can_start, can_set_deadlines = may_start(request.user, agreement), may_follow_up(agreement)
    periods = follow_up_periods(agreement)
    start_form = StartReportForm(periods=[p for p in periods if p[:2] not in reports])
    if can_set_deadlines and deadline_form is None:
        deadline_form = DeadlineForm(periods=[p for p in periods if not _approved(reports.get(p[:2]))])
    overdue = set(agreement.follow_up_deadlines.overdue(timezone.localdate()).values_list("year", "period"))
    return render(
        request,
        "followup/index.html",
        {
            "agreement": agreement,
            "years": [
                (year, label, reports.get((year, period)), deadlines.get((year, period)), (year, period) in overdue)
                for year, period, label in periods
            ],
            "start_form": start_form if can_start and start_form.fields["year"].choices else None,
            "deadline_form": deadline_form if can_set_deadlines and deadline_form.fields["year"].choices else None,
        },
    )


def _approved(report: FollowUpReport | None) -> bool:
    return report is not None and report.stage == FollowUpReport.Stage.APPROVED


@login_required
@require_POST
def deadline_set(request: HttpRequest, pk: int) -> HttpResponse:
    """The municipality's editors set the date by which a year's (or period's) follow-up is to be approved."""
    agreement = get_agreement_for_user(request.user, pk, Access.AMEND)
    if not may_follow_up(agreement):
        raise PermissionDenied
    approved = set(agreement.follow_ups.filter(stage=FollowUpReport.Stage.APPROVED).values_list("year", "period"))
    form = DeadlineForm(request.POST, periods=[p for p in follow_up_periods(agreement) if p[:2] not in approved])
    if form.is_valid():
        try:
            services.deadline_set(
                agreement=agreement,
                year=form.cleaned_data["year"],
                period=form.cleaned_data["period"],
                due_on=form.cleaned_data["due_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("The deadline is set."))
            return redirect("followup:index", pk=agreement.pk)
    return _index_page(request, agreement, deadline_form=form)


@login_required
@require_POST
def report_start(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_agreement_for_user(request.user, pk)
    if not may_start(request.user, agreement):
        raise PermissionDenied
    existing = set(
        FollowUpReport.objects.filter(agreement_id__in=revision_chain(agreement)).values_list("year", "period")
    )
    form = StartReportForm(request.POST, periods=[p for p in follow_up_periods(agreement) if p[:2] not in existing])
    if not form.is_valid():
        messages.error(request, _("Choose a year of the period that has no follow-up yet."))
        return redirect("followup:index", pk=pk)
    year, period = form.cleaned_data["year"]
    try:
        report = services.report_start(
            agreement=agreement, year=year, period=period, copy_previous=form.cleaned_data["copy_previous"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("followup:index", pk=pk)
    return redirect(report)


@login_required
@require_safe
def report_page(request: HttpRequest, pk: int, year: int, period: str = "") -> HttpResponse:
    report = get_report_for_user(request.user, pk, year, period=period)
    # Read only if a step's form is shown: an approved report's page offers none.
    return _report_page(request, report, version=SimpleLazyObject(partial(services.report_fingerprint, report)))


# The steps whose forms hold what the user typed: refused, the page shows them again with it.
STEP_FORMS = {"approve": ApproveForm, "send-back": SendBackForm}


def _report_page(request: HttpRequest, report: FollowUpReport, *, version: str, typed=None, problem=None):
    """The report with its next step; `version` is the state the step's buttons act on, `typed` the bound form of
    a step refused, shown again as the user filled it in."""
    forms = {
        "approve": ApproveForm(initial={"approved_on": timezone.localdate()}, version=version),
        "send-back": SendBackForm(version=version),
    }
    if typed is not None:
        forms[next(action for action, kind in STEP_FORMS.items() if isinstance(typed, kind))] = typed
    return render(
        request,
        "followup/report.html",
        {
            "agreement": report.agreement,
            "report": report,
            # Built only if the page renders it: an approved report's HTML usually comes from the cache.
            "annual": SimpleLazyObject(partial(build_annual_report, report)),
            "approved_key": approved_report_key(report),
            "approve_form": forms["approve"],
            "send_back_form": forms["send-back"],
            "loaded_fingerprint": version,
            "problem": problem,
            **report_permissions(request.user, report),
        },
    )


@login_required
def report_edit(request: HttpRequest, pk: int, year: int, part: str, period: str = "") -> HttpResponse:
    """Fill in one focus area of the year or period (or the commitments outside every focus area, or the report's
    own summary): each user the lines of their own parties, everyone who follows up the shared ones."""
    report = get_report_for_user(request.user, pk, year, Access.EDIT, period=period)
    writing = report.user_writing_parties
    annual = build_annual_report(report)
    if part == "sammanfattning":
        section = None
    else:
        wanted = None if part == "ovrigt" else id_or_404(part)
        section = next((s for s in annual.focus_areas if (s.focus_area.pk if s.focus_area else None) == wanted), None)
        if section is None:
            raise Http404

    def build(data, files) -> dict[str, tuple[str, str, object]]:
        """key -> (heading, what it is about, form), in the order the page shows them."""
        forms: dict[str, tuple[str, str, object]] = {}
        if section is None:
            forms["report"] = ("", "", ReportTextForm(data, instance=report, prefix="report"))
            return forms
        for line in section.activities:
            if line.outcome is not None:
                form = ActivityOutcomeForm(data, instance=line.outcome, prefix=f"a{line.outcome.pk}")
                forms[f"a{line.outcome.pk}"] = (_("Activity"), line.row.activity, form)
        for line in section.commitments:
            mine = [p for p in line.commitment.parties.all() if p.pk in writing]
            if mine and line.outcome is not None:
                line.outcome.commitment = line.commitment  # with its parties already loaded
                form = CommitmentOutcomeForm(
                    data,
                    files,
                    instance=line.outcome,
                    parties=mine,
                    reporters=writing,
                    previous=line.previous_achieved,
                    prefix=f"c{line.outcome.pk}",
                )
                forms[f"c{line.outcome.pk}"] = (_("Commitment"), line.commitment.text, form)
        for line in section.indicators:
            if line.value is not None:
                form = IndicatorValueForm(
                    data, instance=line.value, previous=line.previous_value, prefix=f"i{line.value.pk}"
                )
                forms[f"i{line.value.pk}"] = (_("Indicator"), line.indicator.name, form)
        if section.summary is not None:
            forms["summary"] = (_("Summary"), "", FocusAreaSummaryForm(data, instance=section.summary, prefix="s"))
        return forms

    data = request.POST if request.method == "POST" else None
    entries = build(data, request.FILES if data is not None else None)
    forms = [form for _, _, form in entries.values()]
    problem = None
    if data is not None and all([form.is_valid() for form in forms]):
        try:
            services.report_part_save(report=report, forms=forms)
        except StaleEdit:
            stale = next(f.instance for f in forms if f.has_changed())
            problem = stale_message(type(stale).objects.get(pk=stale.pk))
            entries = build(_fresh_versions(request, forms), request.FILES)
            for _heading, _about, form in entries.values():
                form.is_valid()
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{report.get_absolute_url()}#{'summary' if section is None else _anchor(section)}")
    return render(
        request,
        "followup/report_edit.html",
        {
            "agreement": report.agreement,
            "report": report,
            "section": section,
            "entries": list(entries.values()),
            "problem": problem,
        },
    )


def _anchor(section) -> str:
    return f"focus-area-{section.focus_area.pk}" if section.focus_area else "other-commitments"


def _fresh_versions(request: HttpRequest, forms: list):
    """The user's input, with every form carrying the version now stored, so a deliberate second save works."""
    data = request.POST
    for form in forms:
        if form.has_changed():
            current = type(form.instance).objects.filter(pk=form.instance.pk).values_list("version", flat=True).get()
            data = with_version(data, current, name=form.add_prefix("loaded_version"))
    return data


@login_required
@require_POST
def report_transition(request: HttpRequest, pk: int, year: int, action: str, period: str = "") -> HttpResponse:
    """Submit, confirm, send back or approve the report as the page showed it: if anyone changed it since, nothing
    happens and the page shows the report as it is now, with what the user typed."""
    report = get_report_for_user(request.user, pk, year, period=period)
    if action not in ("submit", "confirm", "send-back", "approve"):
        raise Http404
    form = STEP_FORMS.get(action, ConfirmForm)(request.POST)
    try:
        if not form.is_valid():
            if action in STEP_FORMS:
                return _report_page(request, report, version=request.POST.get("loaded_fingerprint", ""), typed=form)
            raise ValidationError(_("The request was not understood. Reload the page and try again."))
        if action == "submit":
            services.report_submit(report=report, user=request.user, **form.cleaned_data)
            messages.success(request, _("The follow-up has been submitted to the police."))
        elif action == "confirm":
            services.report_confirm(report=report, user=request.user, **form.cleaned_data)
            messages.success(request, _("The follow-up has been confirmed and goes to the council."))
        elif action == "send-back":
            services.report_send_back(report=report, user=request.user, **form.cleaned_data)
            messages.success(request, _("The follow-up has been sent back to the municipality with your comment."))
        else:
            services.report_approve(report=report, user=request.user, **form.cleaned_data)
            messages.success(request, _("The follow-up is approved and its PDF has been archived."))
    except StaleEdit:
        report = get_report_for_user(request.user, pk, year, period=period)
        version = services.report_fingerprint(report)
        typed = None
        if action in STEP_FORMS:
            typed = STEP_FORMS[action](with_version(request.POST, version, name="loaded_fingerprint"))
            typed.is_valid()
        return _report_page(request, report, version=version, typed=typed, problem=changed_message())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except RenderTooLarge:
        return pdf_too_large(request, report.agreement)
    return redirect(report)


@login_required
@require_safe
def report_pdf(request: HttpRequest, pk: int, year: int, period: str = "") -> HttpResponse:
    """The approved report as archived (checked against its checksum); any other stage rendered now as a draft."""
    report = get_report_for_user(request.user, pk, year, period=period)
    archived = getattr(report, "archived", None) if report.is_frozen else None
    if archived is None:
        try:
            return pdf_response(annual_report_pdf(report), f"uppfoljning-{report.period_in_names}-utkast.pdf")
        except RenderTooLarge:
            return pdf_too_large(request, report.agreement)
    return archived_pdf_response(request, archived, agreement=report.agreement)


@login_required
@require_safe
def evidence_file(request: HttpRequest, pk: int) -> HttpResponse:
    """An uploaded evidence file, only for those who may read its agreement."""
    try:
        outcome = CommitmentOutcome.objects.select_related("report").get(pk=pk, evidence_file__gt="")
    except CommitmentOutcome.DoesNotExist:
        raise Http404 from None
    get_agreement_for_user(request.user, outcome.report.agreement_id)
    # Under the name it was uploaded with (files stored before names were kept, under their stored name), typed by
    # the stored name, whose extension is what the content was found to be.
    stored = outcome.evidence_file.name
    response = FileResponse(
        outcome.evidence_file.open("rb"),
        as_attachment=True,
        filename=outcome.evidence_name or PurePosixPath(stored).name,
        content_type=mimetypes.guess_type(stored)[0] or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """Every activity and commitment with its status over the years, what is overdue, and the indicators' trends."""
    agreement = get_agreement_for_user(request.user, pk)
    return render(
        request,
        "followup/dashboard.html",
        {
            "agreement": agreement,
            # Built only if the page renders it: once the agreement is signed its HTML usually comes from the cache.
            "overview": SimpleLazyObject(partial(build_overview, agreement)),
            "overview_key": overview_key(agreement),
            "overdue_years": list(agreement.follow_up_deadlines.overdue(timezone.localdate())),
        },
    )


@login_required
@require_safe
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    """The evaluation report of the whole period: every year's outcomes, the indicators and the parties' words."""
    agreement = get_agreement_for_user(request.user, pk)
    return render(
        request,
        "followup/evaluation.html",
        {
            "agreement": agreement,
            "overview": SimpleLazyObject(partial(build_overview, agreement)),
            "overview_key": overview_key(agreement),
            "evaluation": evaluation_of(agreement),
            "can_edit": may_follow_up(agreement),
        },
    )


@login_required
def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The parties write their evaluation of the period and their conclusions."""
    agreement = get_agreement_for_user(request.user, pk, Access.AMEND)
    if not agreement.is_frozen:
        raise PermissionDenied(_("An agreement is followed up once it is signed."))
    form = EvaluationForm(request.POST or None, instance=evaluation_of(agreement) or Evaluation(agreement=agreement))
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_save(form=form)
        except StaleEdit:
            stored = Evaluation.objects.get(agreement=agreement)
            form = stale_form(
                lambda data: EvaluationForm(data, instance=stored),
                data=request.POST,
                current=stored.version,
                message=stale_message(stored),
            )
        else:
            messages.success(request, _("The evaluation has been saved."))
            return redirect("followup:evaluation", pk=agreement.pk)
    return render(request, "followup/evaluation_edit.html", {"agreement": agreement, "form": form})


@login_required
@require_safe
def evaluation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The evaluation report as a PDF, rendered now from the same data as the page."""
    agreement = get_agreement_for_user(request.user, pk)
    try:
        return pdf_response(evaluation_pdf_content(agreement), f"utvardering-{slugify(agreement.title)}.pdf")
    except RenderTooLarge:
        return pdf_too_large(request, agreement)
