from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from samverkan.lib.access import Access
from samverkan.lib.archive import pdf_response, pdf_too_large
from samverkan.lib.charts import ChartText, bar_chart
from samverkan.lib.edits import stale_form, stale_message
from samverkan.lib.pdf import RenderTooLarge
from samverkan.lib.versions import StaleEdit

from . import services
from .access import (
    get_municipality_for_user,
    get_week_for_user,
    get_yearly_for_user,
    may_approve,
    municipalities_visible_to,
)
from .attendance import attendance_between
from .forms import (
    AnswerForm,
    AttendedCommitmentForm,
    IndicatorSeriesForm,
    MeasureFormSet,
    SafetySurveyForm,
    SafetySurveyUploadForm,
    StatisticsConfirmForm,
    StatisticsUploadForm,
    WeekForm,
    YearlyApproveForm,
    YearlyPictureForm,
    problem_index_formset,
    setup_formset,
)
from .models import (
    DEFAULT_FACTORS,
    Answer,
    AttendedCommitment,
    CrimeCount,
    Factor,
    IndicatorSeries,
    Measure,
    SafetySurvey,
    Week,
    YearlyPicture,
)
from .pdf import weekly_report_pdf, yearly_picture_pdf
from .picture import trends, week_picture
from .plan import measures_with_status
from .plan_views import into_agreements
from .setup import SETUP_KINDS
from .statistics import UnreadableFile, parse, read_table, source_trends, yearly_totals
from .survey import AreaResult, parse_survey, survey_comparison
from .yearly import yearly_mapping

TREND_WEEKS = 12  # the weeks the municipality's page shows the trends over


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "situation/index.html", {"municipalities": municipalities_visible_to(request.user)})


@login_required
@require_safe
def municipality(request: HttpRequest, pk: int) -> HttpResponse:
    """The municipality's weeks, newest first, with each factor's and place's trend over the latest of them."""
    municipality = get_municipality_for_user(request.user, pk)
    weeks = list(Week.objects.filter(municipality=municipality).annotate(answer_count=Count("answers")))
    picture_trends = trends(municipality, weeks[:TREND_WEEKS][::-1])
    return render(
        request,
        "situation/municipality.html",
        {
            "municipality": municipality,
            "setup_kinds": SETUP_KINDS,
            "factors": Factor.objects.filter(municipality=municipality, active=True),
            "weeks": weeks,
            # The years a lägesbild is written for: this one and the two before, and any written earlier.
            "years": sorted(
                {*range(timezone.localdate().year - 2, timezone.localdate().year + 1)}
                | set(municipality.yearly_pictures.values_list("year", flat=True)),
                reverse=True,
            ),
            "trends": picture_trends,
            "trend_tables": [
                (_("Mean rating per factor and week, all places"), picture_trends.factors),
                (_("Mean rating per place and week, all factors"), picture_trends.places),
            ],
        },
    )


@login_required
def setup(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    municipality = get_municipality_for_user(request.user, pk, Access.EDIT)
    if kind not in SETUP_KINDS:
        raise Http404
    setup_kind = SETUP_KINDS[kind]
    queryset = setup_kind.model.objects.filter(municipality=municipality)
    # A municipality without factors starts from the EST checklist, saved only when the form is.
    initial = (
        []
        if kind != "faktorer" or queryset.exists()
        else [{"name": name, "order": order, "active": True} for order, name in enumerate(DEFAULT_FACTORS, 1)]
    )
    FormSet = setup_formset(setup_kind, extra=len(initial) or 1)
    formset = FormSet(request.POST or None, queryset=queryset, initial=initial, prefix=kind)
    if request.method == "POST" and formset.is_valid():
        with transaction.atomic():
            for item in formset.save(commit=False):
                item.municipality = municipality
                item.save()
        messages.success(request, _("Saved."))
        return redirect("situation:setup", pk=municipality.pk, kind=kind)
    return render(
        request,
        "situation/setup.html",
        {"municipality": municipality, "kind": setup_kind, "formset": formset, "setup_kinds": SETUP_KINDS},
    )


def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The reporter's form behind their personal link: no account, the link is the key. Once answered, the reporter
    sees their own answer, and nobody else's."""
    try:
        reporter, week = services.reporter_and_week(token)
    except services.LinkRefused as refusal:
        return render(request, "situation/answer_refused.html", {"message": str(refusal)}, status=404)
    given = (
        Answer.objects.filter(week=week, reporter=reporter)
        .prefetch_related("ratings__factor", "ratings__place")
        .first()
    )
    context = {"reporter": reporter, "week": week, "municipality": reporter.municipality}
    if given is not None or not week.is_open:
        return render(request, "situation/answer_given.html", context | {"answer": given})
    factors, places = services.survey_items(reporter.municipality)
    form = AnswerForm(request.POST or None, factors=list(factors), places=list(places))
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_submit(
                week=week, reporter=reporter, ratings=form.ratings(), free_text=form.cleaned_data["free_text"]
            )
        except ValidationError as refusal:
            form.add_error(None, refusal.messages)
        else:
            return redirect("situation:answer", token=token)
    return render(request, "situation/answer.html", context | {"form": form})


def _week_page(request: HttpRequest, week: Week, form: WeekForm | None) -> HttpResponse:
    municipality = week.municipality
    return render(
        request,
        "situation/week.html",
        {
            "municipality": municipality,
            "week": week,
            "picture": week_picture(week),
            "form": form,
            # Free texts are personal data: those who meet read them, nobody else.
            "free_texts": week.answers.exclude(free_text="").select_related("reporter")
            if municipality.user_meets
            else [],
        },
    )


@login_required
def week(request: HttpRequest, pk: int, week: str) -> HttpResponse:
    """Thursday's meeting: the week's answers as a heat map, the notes, the situation picture and priorities."""
    label = week
    week = get_week_for_user(request.user, pk, label, Access.EDIT if request.method == "POST" else Access.READ)
    if not week.municipality.user_meets:
        return _week_page(request, week, None)
    form = WeekForm(request.POST or None, instance=week)
    if request.method == "POST" and form.is_valid():
        try:
            services.week_save(
                week=form.instance,
                loaded_version=form.cleaned_data["loaded_version"],
                attended_by=form.cleaned_data["attended_by"],
            )
        except StaleEdit:
            stored = Week.objects.get(pk=week.pk)
            form = stale_form(
                lambda data: WeekForm(data, instance=stored),
                data=request.POST,
                current=stored.version,
                message=stale_message(stored),
            )
        else:
            messages.success(request, _("The week's situation picture has been saved."))
            return redirect(week.get_absolute_url())
    return _week_page(request, week, form)


@login_required
@require_safe
def report(request: HttpRequest, pk: int, week: str) -> HttpResponse:
    """Friday's weekly report: what everyone taking part reads (no free texts; the police's intelligence only for
    those who meet)."""
    week = get_week_for_user(request.user, pk, week)
    return render(
        request,
        "situation/report.html",
        {
            "municipality": week.municipality,
            "week": week,
            "picture": week_picture(week),
            "police_notes": week.municipality.user_meets,
        },
    )


@login_required
@require_safe
def report_pdf(request: HttpRequest, pk: int, week: str) -> HttpResponse:
    week = get_week_for_user(request.user, pk, week)
    try:
        content = weekly_report_pdf(week, police_notes=week.municipality.user_meets)
    except RenderTooLarge:
        return pdf_too_large(request, week.municipality)
    return pdf_response(content, f"veckorapport-{week.label}.pdf")


def _month_label(month) -> str:
    return f"{formats.date_format(month, 'b')} {month:%y}"


@login_required
@require_safe
def statistics(request: HttpRequest, pk: int) -> HttpResponse:
    """The monthly statistics: the latest 12 months against the same months a year before, by place, type and
    weekday, as charts and tables."""
    municipality = get_municipality_for_user(request.user, pk)
    sources = []
    for source in CrimeCount.Source.values:
        found = source_trends(municipality, source)
        if found is None:
            continue
        chart = bar_chart(
            bars=[(_month_label(line.month), line.count) for line in found.months],
            compare=[line.last_year for line in found.months],
            text=ChartText(
                title=found.label,
                description=_("Reports per month, the latest 12 months, with the same month a year before."),
                unit=_("reports"),
                baseline=_("Same month last year"),
                target="",
            ),
            width=640,
        )
        sources.append((found, chart))
    return render(request, "situation/statistics.html", {"municipality": municipality, "sources": sources})


@login_required
def statistics_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Import in two steps: the file read and shown with an error for each row it cannot read, then, once
    confirmed, stored; nothing is stored while any row is wrong."""
    municipality = get_municipality_for_user(request.user, pk, Access.EDIT)
    context: dict = {"municipality": municipality}
    if request.method == "POST" and "payload" in request.POST:
        confirm = StatisticsConfirmForm(request.POST)
        if confirm.is_valid():
            try:
                months = services.statistics_import(municipality=municipality, payload=confirm.cleaned_data["payload"])
            except ValidationError as refusal:
                messages.error(request, " ".join(refusal.messages))
            else:
                messages.success(
                    request,
                    ngettext("%(count)s month has been imported.", "%(count)s months have been imported.", len(months))
                    % {"count": len(months)},
                )
                return redirect("situation:statistics", pk=municipality.pk)
        return redirect("situation:statistics_import", pk=municipality.pk)
    form = StatisticsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            reading = parse(read_table(upload.name, upload.read()))
        except UnreadableFile as refusal:
            form.add_error("file", str(refusal))
        else:
            source = form.cleaned_data["source"]
            replaced = set(
                CrimeCount.objects.filter(municipality=municipality, source=source, month__in=reading.months)
                .values_list("month", flat=True)
                .distinct()
            )
            totals: dict = {}
            for row in reading.rows:
                totals[row.month] = totals.get(row.month, 0) + row.count
            context |= {
                "reading": reading,
                "source_label": CrimeCount.Source(source).label,
                "months": [(month, totals[month], month in replaced) for month in reading.months],
                "confirm": None
                if reading.errors or not reading.rows
                else StatisticsConfirmForm(
                    initial={
                        "payload": services.statistics_payload(
                            municipality=municipality, source=source, rows=reading.rows
                        )
                    }
                ),
            }
    return render(request, "situation/statistics_import.html", context | {"form": form})


@login_required
@require_safe
def safety_survey(request: HttpRequest, pk: int) -> HttpResponse:
    """The police's safety survey: each area's latest results against the survey before."""
    municipality = get_municipality_for_user(request.user, pk)
    return render(
        request,
        "situation/safety_survey.html",
        {"municipality": municipality, "survey": survey_comparison(municipality)},
    )


@login_required
def safety_survey_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Import in two steps, as the statistics: the file read and shown with an error for each row it cannot read,
    then, once confirmed, stored, each year in it replacing what was stored for that year."""
    municipality = get_municipality_for_user(request.user, pk, Access.EDIT)
    context: dict = {"municipality": municipality}
    if request.method == "POST" and "payload" in request.POST:
        confirm = StatisticsConfirmForm(request.POST)
        if confirm.is_valid():
            try:
                years = services.safety_survey_import(
                    municipality=municipality, payload=confirm.cleaned_data["payload"]
                )
            except ValidationError as refusal:
                messages.error(request, " ".join(refusal.messages))
            else:
                messages.success(
                    request,
                    ngettext(
                        "The safety survey of %(years)s has been imported.",
                        "The safety surveys of %(years)s have been imported.",
                        len(years),
                    )
                    % {"years": ", ".join(map(str, years))},
                )
                return redirect("situation:safety_survey", pk=municipality.pk)
        return redirect("situation:safety_survey_import", pk=municipality.pk)
    form = SafetySurveyUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            reading = parse_survey(read_table(upload.name, upload.read()))
        except UnreadableFile as refusal:
            form.add_error("file", str(refusal))
        else:
            stored = set(
                SafetySurvey.objects.filter(municipality=municipality, year__in=reading.years)
                .values_list("year", flat=True)
                .distinct()
            )
            areas: dict[int, list[str]] = {}
            for year, area in reading.results:
                areas.setdefault(year, []).append(area)
            context |= {
                "reading": reading,
                "years": [(year, areas[year], year in stored) for year in reading.years],
                "confirm": None
                if reading.errors or not reading.results
                else StatisticsConfirmForm(
                    initial={"payload": services.safety_survey_payload(municipality=municipality, reading=reading)}
                ),
            }
    return render(request, "situation/safety_survey_import.html", context | {"form": form})


@login_required
def safety_survey_enter(request: HttpRequest, pk: int) -> HttpResponse:
    """One area's results typed in from the police's report: a small table of problems and their index, offered
    with the problems of the survey stored for that area and year (?ar=2025&omrade=Centrum), or else of the latest."""
    municipality = get_municipality_for_user(request.user, pk, Access.EDIT)
    surveys = SafetySurvey.objects.filter(municipality=municipality).prefetch_related("problems")
    year = request.GET.get("ar", "")
    stored = (
        surveys.filter(year=int(year), area=request.GET.get("omrade", "")[:200]).first()
        if year.isascii() and year.isdigit() and len(year) == 4
        else None
    )
    latest = stored or surveys.order_by("-year", "area").first()
    initial = (
        {}
        if stored is None
        else {
            "year": stored.year,
            "area": stored.area,
            "problem_index": stored.problem_index,
            "safe_share": stored.safe_share,
        }
    )
    rows = [
        {"problem": p.problem, "value": p.value if stored else None} for p in (latest.problems.all() if latest else [])
    ]
    data = request.POST if request.method == "POST" else None
    form = SafetySurveyForm(data, initial=initial)
    problems = problem_index_formset(data, initial=rows, prefix="problems")
    if data is not None and form.is_valid() and problems.is_valid():
        year, area = form.cleaned_data["year"], form.cleaned_data["area"].strip()
        services.safety_survey_save(
            municipality=municipality,
            year=year,
            area=area,
            result=AreaResult(
                problem_index=form.cleaned_data["problem_index"],
                safe_share=form.cleaned_data["safe_share"],
                problems=problems.results(),
            ),
        )
        messages.success(
            request, _("The safety survey of %(area)s %(year)s has been saved.") % {"area": area, "year": year}
        )
        return redirect("situation:safety_survey", pk=municipality.pk)
    return render(
        request,
        "situation/safety_survey_enter.html",
        {"municipality": municipality, "form": form, "problems": problems},
    )


@login_required
def indicators(request: HttpRequest, pk: int) -> HttpResponse:
    """The agreements' indicators read from the statistics: linking one to a series, and filling the follow-up."""
    municipality = get_municipality_for_user(request.user, pk, Access.EDIT)
    if request.method == "POST" and "fill" in request.POST:
        filled = services.indicator_values_fill(municipality=municipality)
        messages.success(
            request,
            ngettext(
                "%(count)s follow-up value has been filled from the statistics.",
                "%(count)s follow-up values have been filled from the statistics.",
                filled,
            )
            % {"count": filled},
        )
        return redirect("situation:indicators", pk=municipality.pk)
    existing = IndicatorSeries.objects.filter(
        municipality=municipality, indicator_id=request.POST.get("indicator") or None
    ).first()
    form = IndicatorSeriesForm(request.POST or None, instance=existing, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The indicator is read from the statistics."))
        return redirect("situation:indicators", pk=municipality.pk)
    series = list(
        IndicatorSeries.objects.filter(municipality=municipality).select_related("indicator__goal__agreement")
    )
    totals = yearly_totals(municipality, series)
    for one in series:
        one.years = totals[one.pk]
    return render(request, "situation/indicators.html", {"municipality": municipality, "form": form, "series": series})


@login_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """The commitment to attend the weekly meeting: which it is, each party's attendance this year and the year
    before, and filling the follow-up from it."""
    municipality = get_municipality_for_user(request.user, pk, Access.EDIT)
    if request.method == "POST" and "fill" in request.POST:
        filled = services.commitment_attendance_fill(municipality=municipality)
        messages.success(
            request,
            ngettext(
                "%(count)s party's line of the follow-up has been filled from the attendance.",
                "%(count)s parties' lines of the follow-up have been filled from the attendance.",
                filled,
            )
            % {"count": filled},
        )
        return redirect("situation:attendance", pk=municipality.pk)
    if request.method == "POST" and "remove" in request.POST:
        AttendedCommitment.objects.filter(municipality=municipality, pk=request.POST["remove"] or None).delete()
        return redirect("situation:attendance", pk=municipality.pk)
    form = AttendedCommitmentForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The commitment is followed up from the meetings' attendance."))
        return redirect("situation:attendance", pk=municipality.pk)
    this_year = timezone.localdate().year
    years = [
        (year, attendance_between(municipality, date(year, 1, 1), date(year, 12, 31)))
        for year in (this_year, this_year - 1)
    ]
    followed = list(
        AttendedCommitment.objects.filter(municipality=municipality)
        .select_related("commitment__agreement")
        .prefetch_related("commitment__parties")
    )
    for one in followed:
        one.rows = [
            (party, [(year, found.attended.get(party.pk, 0), found.meetings) for year, found in years])
            for party in one.commitment.parties.all()
        ]
    return render(
        request,
        "situation/attendance.html",
        {"municipality": municipality, "form": form, "followed": followed, "years": [year for year, _f in years]},
    )


def _yearly_page(request: HttpRequest, municipality, year: int, picture, approve_form=None) -> HttpResponse:
    can_approve = picture is not None and not picture.is_frozen and may_approve(request.user, municipality)
    return render(
        request,
        "situation/yearly.html",
        {
            "municipality": municipality,
            "year": year,
            "picture": picture,
            "measures": measures_with_status(picture),
            "mapping": yearly_mapping(municipality, year),
            "safety_survey": survey_comparison(municipality, year),
            "approve_form": (approve_form or YearlyApproveForm()) if can_approve else None,
            **into_agreements(request.user, municipality, picture),
        },
    )


@login_required
@require_safe
def yearly(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The year's lägesbild and åtgärdsplan: the mapping generated from the data, then what the security unit wrote."""
    municipality, picture = get_yearly_for_user(request.user, pk, year)
    return _yearly_page(request, municipality, year, picture)


@login_required
def yearly_edit(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    municipality, picture = get_yearly_for_user(request.user, pk, year, Access.EDIT)
    data = request.POST if request.method == "POST" else None
    form = YearlyPictureForm(data, instance=picture)
    measures = MeasureFormSet(
        data,
        queryset=picture.measures.all() if picture else Measure.objects.none(),
        prefix="measures",
        form_kwargs={"municipality": municipality},
    )
    if data is not None and form.is_valid() and measures.is_valid():
        try:
            services.yearly_save(municipality=municipality, year=year, form=form, measures=measures)
        except StaleEdit:
            stored = YearlyPicture.objects.get(pk=picture.pk)
            form = stale_form(
                lambda data: YearlyPictureForm(data, instance=stored),
                data=request.POST,
                current=stored.version,
                message=stale_message(stored),
            )
        except ValidationError as refusal:
            form.add_error(None, refusal.messages)
        else:
            messages.success(request, _("The situation picture has been saved."))
            return redirect("situation:yearly", pk=municipality.pk, year=year)
    return render(
        request,
        "situation/yearly_edit.html",
        {"municipality": municipality, "year": year, "form": form, "formset": measures},
    )


@login_required
@require_POST
def yearly_approve(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    municipality, picture = get_yearly_for_user(request.user, pk, year)
    if picture is None:
        raise Http404
    if picture.is_frozen or not may_approve(request.user, municipality):
        raise PermissionDenied
    form = YearlyApproveForm(request.POST)
    if form.is_valid():
        try:
            services.yearly_approve(picture=picture, **form.cleaned_data)
        except ValidationError as refusal:
            form.add_error(None, refusal.messages)
        else:
            messages.success(request, _("The council's approval has been recorded; the situation picture is frozen."))
            return redirect("situation:yearly", pk=municipality.pk, year=year)
    return _yearly_page(request, municipality, year, picture, approve_form=form)


@login_required
@require_safe
def yearly_pdf(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    municipality, picture = get_yearly_for_user(request.user, pk, year)
    try:
        content = yearly_picture_pdf(municipality, year, picture)
    except RenderTooLarge:
        return pdf_too_large(request, municipality)
    return pdf_response(content, f"lagesbild-{year}.pdf")
