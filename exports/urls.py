from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("", views.export_index, name="index"),
    path("<int:pk>/", views.export_detail, name="detail"),
    path("<int:pk>/fil/", views.export_download, name="download"),
]
