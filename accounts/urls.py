from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.organisation, name="organisation"),
    path("<int:pk>/bjud-in/", views.invite, name="invite"),
    path("medlem/<int:pk>/", views.member_edit, name="member_edit"),
    path("medlem/<int:pk>/skicka-inbjudan/", views.invitation_resend, name="invitation_resend"),
    path("samarbetspartner/ny/", views.partner_add, name="partner_add"),
    path("aktivera/<uidb64>/<token>/", views.Activate.as_view(), name="activate"),
]
