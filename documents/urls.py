from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("<int:pk>/pdf/", views.agreement_pdf_view, name="pdf"),
    path("arkiv/<int:pk>/", views.archived_pdf_view, name="archived_pdf"),
    path("<int:pk>/underteckna/", views.agreement_sign, name="sign"),
    path("<int:pk>/godkann/", views.agreement_approve, name="approve"),
    path("<int:pk>/andrat-sedan-godkannandet/<int:party>/", views.approval_changes, name="approval_changes"),
    path("underskrivna-sidor/<int:pk>/", views.signed_page_view, name="signed_page"),
    path("<int:pk>/publicera/", views.agreement_publish, name="publish"),
    path("<int:pk>/ny-revision/", views.agreement_new_revision, name="new_revision"),
    path("<int:pk>/fornya/", views.agreement_renew, name="renew"),
    path("<int:pk>/jamfor/", views.agreement_compare, name="compare"),
    path("<int:pk>/fokusomraden/", views.workbench, name="workbench"),
    path("<int:pk>/layout/", views.agreement_layout, name="layout"),
    path("importera-word/", views.import_docx, name="import_docx"),
    path("importera-word/skapa/", views.import_docx_confirm, name="import_docx_confirm"),
]
