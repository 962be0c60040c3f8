from django.urls import path, re_path

from . import plan_views, views

app_name = "situation"

PK = r"(?P<pk>[0-9]{1,18})"
WEEK = r"(?P<week>[0-9]{4}-W[0-9]{2})"
YEAR = r"(?P<year>[0-9]{4})"
AGREEMENT = r"(?P<agreement>[0-9]{1,18})"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.municipality, name="municipality"),
    re_path(rf"^{PK}/installningar/(?P<kind>faktorer|platser|rapportorer)/$", views.setup, name="setup"),
    re_path(rf"^{PK}/vecka/{WEEK}/$", views.week, name="week"),
    re_path(rf"^{PK}/vecka/{WEEK}/rapport/$", views.report, name="report"),
    re_path(rf"^{PK}/vecka/{WEEK}/rapport/pdf/$", views.report_pdf, name="report_pdf"),
    path("<int:pk>/statistik/", views.statistics, name="statistics"),
    path("<int:pk>/statistik/import/", views.statistics_import, name="statistics_import"),
    path("<int:pk>/statistik/indikatorer/", views.indicators, name="indicators"),
    path("<int:pk>/trygghetsmatning/", views.safety_survey, name="safety_survey"),
    path("<int:pk>/trygghetsmatning/import/", views.safety_survey_import, name="safety_survey_import"),
    path("<int:pk>/trygghetsmatning/registrera/", views.safety_survey_enter, name="safety_survey_enter"),
    path("<int:pk>/narvaro/", views.attendance, name="attendance"),
    path("<int:pk>/lagesbild/<int:year>/", views.yearly, name="yearly"),
    path("<int:pk>/lagesbild/<int:year>/redigera/", views.yearly_edit, name="yearly_edit"),
    path("<int:pk>/lagesbild/<int:year>/godkann/", views.yearly_approve, name="yearly_approve"),
    path("<int:pk>/lagesbild/<int:year>/pdf/", views.yearly_pdf, name="yearly_pdf"),
    re_path(
        rf"^{PK}/lagesbild/{YEAR}/overenskommelse/{AGREEMENT}/atgardsplan/$", plan_views.plan_carry, name="plan_carry"
    ),
    re_path(
        rf"^{PK}/lagesbild/{YEAR}/overenskommelse/{AGREEMENT}/bilaga-1/$",
        plan_views.chapter_place_view,
        name="chapter_place",
    ),
    path("svar/<str:token>/", views.answer, name="answer"),
]
