from django.urls import path, re_path

from . import views

app_name = "situation"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.municipality, name="municipality"),
    re_path(r"^(?P<pk>[0-9]{1,18})/installningar/(?P<kind>faktorer|platser|rapportorer)/$", views.setup, name="setup"),
]
