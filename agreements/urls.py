from django.urls import path, re_path

from . import views

urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("ny/", views.agreement_create, name="agreement_create"),
    path("<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("<int:pk>/redigera/", views.agreement_edit, name="agreement_edit"),
    path("<int:pk>/historik/", views.agreement_history, name="agreement_history"),
    path("<int:pk>/pdf/", views.agreement_pdf_view, name="agreement_pdf"),
    path("arkiv/<int:pk>/", views.archived_pdf_view, name="archived_pdf"),
    path("<int:pk>/underteckna/", views.agreement_sign, name="agreement_sign"),
    path("<int:pk>/ny-revision/", views.agreement_new_revision, name="agreement_new_revision"),
    path("<int:pk>/fornya/", views.agreement_renew, name="agreement_renew"),
    path("<int:pk>/jamfor/", views.agreement_compare, name="agreement_compare"),
    re_path(r"^(?P<pk>[0-9]+)/avsnitt/ny/(?P<part>agreement|appendix)/$", views.section_add, name="section_add"),
    path("avsnitt/<int:pk>/redigera/", views.section_edit, name="section_edit"),
    re_path(r"^avsnitt/(?P<pk>[0-9]+)/flytta/(?P<direction>up|down)/$", views.section_move_view, name="section_move"),
    path("avsnitt/<int:pk>/ta-bort/", views.section_delete, name="section_delete"),
]
