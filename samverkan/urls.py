from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from agreements.views import accessibility_statement, home, preferences
from samverkan.sessions import keep_alive

urlpatterns = [
    path("", home, name="home"),
    path("overenskommelser/", include("agreements.urls")),
    path("overenskommelser/", include("focusareas.urls")),
    path("overenskommelser/", include("documents.urls")),
    path("overenskommelser/", include("followup.urls")),
    path("exporter/", include("exports.urls")),
    path("lagesbild/", include("situation.urls")),
    path("logga-in/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("losenord/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("losenord/bytt/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("organisation/", include("accounts.urls")),
    path("installningar/", preferences, name="preferences"),
    path("tillganglighet/", accessibility_statement, name="accessibility"),
    path("session/fortsatt/", keep_alive, name="session_keep_alive"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
