from django.urls import path

from . import views

urlpatterns = [
    path("<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("<int:pk>/pdf/", views.agreement_pdf_view, name="agreement_pdf"),
    path("arkiv/<int:pk>/", views.archived_pdf_view, name="archived_pdf"),
    path("<int:pk>/underteckna/", views.agreement_sign, name="agreement_sign"),
    path("<int:pk>/ny-revision/", views.agreement_new_revision, name="agreement_new_revision"),
    path("<int:pk>/fornya/", views.agreement_renew, name="agreement_renew"),
    path("<int:pk>/jamfor/", views.agreement_compare, name="agreement_compare"),
    path("<int:pk>/fokusomraden/", views.workbench, name="focus_area_workbench"),
]
