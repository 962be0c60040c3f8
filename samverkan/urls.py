from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from agreements.views import accessibility_statement

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="agreements:list"), name="home"),
    path("overenskommelser/", include("agreements.urls")),
    path("overenskommelser/", include("focusareas.urls")),
    path("overenskommelser/", include("documents.urls")),
    path("overenskommelser/", include("followup.urls")),
    path("lagesbild/", include("situation.urls")),
    path("logga-in/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("losenord/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("losenord/bytt/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("tillganglighet/", accessibility_statement, name="accessibility"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
