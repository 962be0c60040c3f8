from django.urls import path, re_path

from . import views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("ny/", views.agreement_create, name="create"),
    path("<int:pk>/redigera/", views.agreement_edit, name="edit"),
    path("<int:pk>/historik/", views.agreement_history, name="history"),
    path("<int:pk>/ta-bort/", views.agreement_delete, name="delete"),
    re_path(r"^(?P<pk>[0-9]+)/avsnitt/ny/(?P<part>agreement|appendix)/$", views.section_add, name="section_add"),
    path("avsnitt/<int:pk>/redigera/", views.section_edit, name="section_edit"),
    re_path(r"^avsnitt/(?P<pk>[0-9]+)/flytta/(?P<direction>up|down)/$", views.section_move_view, name="section_move"),
    path("avsnitt/<int:pk>/ta-bort/", views.section_delete, name="section_delete"),
    path("avsnitt/<int:pk>/bild/ny/", views.figure_add, name="figure_add"),
    path("bilder/<int:pk>/redigera/", views.figure_edit, name="figure_edit"),
    path("bilder/<int:pk>/ta-bort/", views.figure_delete, name="figure_delete"),
    path("bilder/<int:pk>/bild/", views.figure_image, name="figure_image"),
    path("<int:pk>/logotyp/<int:organisation>/", views.party_logo, name="party_logo"),
]
