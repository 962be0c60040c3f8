from django.urls import path, re_path

from . import views
from .kinds import ITEM_KINDS

KINDS = "|".join(ITEM_KINDS)

app_name = "focusareas"

urlpatterns = [
    path("<int:pk>/fokusomraden/nytt/", views.focus_area_add, name="add"),
    path("fokusomraden/<int:pk>/redigera/", views.focus_area_edit, name="edit"),
    path("fokusomraden/<int:pk>/delavsnitt/nytt/", views.section_add, name="section_add"),
    path("delavsnitt/<int:pk>/redigera/", views.section_edit, name="section_edit"),
    path("fokusomraden/<int:pk>/aktiviteter/ny/", views.row_add, name="row_add"),
    path("fokusomraden/<int:pk>/klistra-in/", views.rows_paste_view, name="rows_paste"),
    re_path(
        r"^(?P<kind>fokusomrade|handlingsplan)/(?P<pk>[0-9]+)/klistra-in-ataganden/$",
        views.commitments_paste_view,
        name="commitments_paste",
    ),
    path("aktiviteter/<int:pk>/redigera/", views.row_edit, name="row_edit"),
    path("<int:pk>/ataganden/nytt/", views.commitment_add, name="commitment_add"),
    path("ataganden/<int:pk>/redigera/", views.commitment_edit, name="commitment_edit"),
    path("ataganden/<int:pk>/granska/", views.commitment_decide, name="commitment_decide"),
    path("<int:pk>/mal/nytt/", views.goal_add, name="goal_add"),
    path("mal/<int:pk>/redigera/", views.goal_edit, name="goal_edit"),
    path("<int:pk>/handlingsplaner/ny/", views.action_plan_add, name="action_plan_add"),
    path("handlingsplaner/<int:pk>/redigera/", views.action_plan_edit, name="action_plan_edit"),
    re_path(rf"^(?P<kind>{KINDS})/(?P<pk>[0-9]+)/ta-bort/$", views.item_delete, name="item_delete"),
    re_path(rf"^(?P<kind>{KINDS})/(?P<pk>[0-9]+)/flytta/(?P<direction>up|down)/$", views.item_move, name="item_move"),
    path("<int:pk>/granskning/", views.review, name="review"),
    re_path(
        r"^(?P<pk>[0-9]+)/kommentarer/(?P<about>avsnitt|fokusomrade|delavsnitt|aktivitet|mal)/(?P<key>[0-9a-f-]{36})/$",
        views.comments,
        name="comments",
    ),
    path("<int:pk>/skicka-pa-granskning/", views.send_for_review, name="send_for_review"),
]
