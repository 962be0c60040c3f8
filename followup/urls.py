from django.urls import path, re_path, register_converter

from . import spreadsheets, views

app_name = "followup"


class PeriodConverter:
    """A period within the year in an address: "kvartal-1" to "kvartal-4", "halvar-1" or "halvar-2"."""

    regex = "kvartal-[1-4]|halvar-[12]"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PeriodConverter, "period")

PERIOD = PeriodConverter.regex

urlpatterns = [
    path("<int:pk>/uppfoljning/", views.followup_index, name="index"),
    path("<int:pk>/uppfoljning/ny/", views.report_start, name="start"),
    path("<int:pk>/uppfoljning/tidsfrist/", views.deadline_set, name="deadline"),
    path("<int:pk>/uppfoljning/<int:year>/", views.report_page, name="report"),
    path("<int:pk>/uppfoljning/<int:year>/<period:period>/", views.report_page, name="report_period"),
    re_path(
        r"^(?P<pk>[0-9]+)/uppfoljning/(?P<year>[0-9]{4})/fyll-i/(?P<part>[0-9]+|ovrigt|sammanfattning)/$",
        views.report_edit,
        name="edit",
    ),
    re_path(
        rf"^(?P<pk>[0-9]+)/uppfoljning/(?P<year>[0-9]{{4}})/(?P<period>{PERIOD})/fyll-i/"
        r"(?P<part>[0-9]+|ovrigt|sammanfattning)/$",
        views.report_edit,
        name="edit_period",
    ),
    re_path(
        r"^(?P<pk>[0-9]+)/uppfoljning/(?P<year>[0-9]{4})/(?P<action>submit|confirm|send-back|approve)/$",
        views.report_transition,
        name="transition",
    ),
    re_path(
        rf"^(?P<pk>[0-9]+)/uppfoljning/(?P<year>[0-9]{{4}})/(?P<period>{PERIOD})/"
        r"(?P<action>submit|confirm|send-back|approve)/$",
        views.report_transition,
        name="transition_period",
    ),
]
urlpatterns += [
    path("<int:pk>/uppfoljning/<int:year>/pdf/", views.report_pdf, name="pdf"),
    path("<int:pk>/uppfoljning/<int:year>/<period:period>/pdf/", views.report_pdf, name="pdf_period"),
    path("uppfoljning/underlag/<int:pk>/", views.evidence_file, name="evidence"),
    path("<int:pk>/uppfoljning/<int:year>/export.<str:fmt>", spreadsheets.report_export, name="export"),
    path(
        "<int:pk>/uppfoljning/<int:year>/<period:period>/export.<str:fmt>",
        spreadsheets.report_export,
        name="export_period",
    ),
    path("<int:pk>/uppfoljning/oversikt/", views.dashboard, name="dashboard"),
    path("<int:pk>/uppfoljning/utvardering/", views.evaluation, name="evaluation"),
    path("<int:pk>/uppfoljning/utvardering/redigera/", views.evaluation_edit, name="evaluation_edit"),
    path("<int:pk>/uppfoljning/utvardering/pdf/", views.evaluation_pdf, name="evaluation_pdf"),
]
