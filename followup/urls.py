from django.urls import path, re_path

from . import spreadsheets, views

urlpatterns = [
    path("<int:pk>/uppfoljning/", views.followup_index, name="followup_index"),
    path("<int:pk>/uppfoljning/ny/", views.report_start, name="followup_start"),
    path("<int:pk>/uppfoljning/<int:year>/", views.report_page, name="followup_report"),
    re_path(
        r"^(?P<pk>[0-9]+)/uppfoljning/(?P<year>[0-9]{4})/fyll-i/(?P<part>[0-9]+|ovrigt|sammanfattning)/$",
        views.report_edit,
        name="followup_edit",
    ),
    re_path(
        r"^(?P<pk>[0-9]+)/uppfoljning/(?P<year>[0-9]{4})/(?P<action>submit|confirm|approve)/$",
        views.report_transition,
        name="followup_transition",
    ),
]
urlpatterns += [
    path("<int:pk>/uppfoljning/<int:year>/pdf/", views.report_pdf, name="followup_pdf"),
    path("uppfoljning/underlag/<int:pk>/", views.evidence_file, name="followup_evidence"),
    path("<int:pk>/uppfoljning/<int:year>/export.<str:fmt>", spreadsheets.report_export, name="followup_export"),
    path("<int:pk>/uppfoljning/oversikt/", views.dashboard, name="followup_dashboard"),
    path("<int:pk>/uppfoljning/utvardering/", views.evaluation, name="followup_evaluation"),
    path("<int:pk>/uppfoljning/utvardering/redigera/", views.evaluation_edit, name="followup_evaluation_edit"),
    path("<int:pk>/uppfoljning/utvardering/pdf/", views.evaluation_pdf, name="followup_evaluation_pdf"),
]
