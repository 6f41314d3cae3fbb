from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.module_loading import module_has_submodule
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from django.views.static import serve

from aoc import views
from aoc.admin import audit_third_party_admins

# Apps whose admin modules are loaded: the portal's own, plus auth groups, API tokens and axes's
# lock-out records (an administrator unlocks an account there).
ADMIN_APPS = {
    "aoc",
    "schools",
    "datacollection",
    "gis",
    "reports",
    "django.contrib.auth",
    "rest_framework.authtoken",
    "axes",
}

# The admin modules of the portal's own apps (see INSTALLED_APPS: no autodiscovery).
for app_config in apps.get_app_configs():
    if app_config.name in ADMIN_APPS and module_has_submodule(app_config.module, "admin"):
        import_module(f"{app_config.name}.admin")
audit_third_party_admins()

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("news/", views.news_list, name="news-list"),
    path("news/<int:pk>/", views.news_detail, name="news-detail"),
    path("feedback/", views.feedback_form, name="feedback"),
    path("staff/news/", views.staff_news_list, name="staff-news-list"),
    path("staff/news/new/", views.staff_news_form, name="staff-news-create"),
    path("staff/news/<int:pk>/edit/", views.staff_news_form, name="staff-news-edit"),
    path("staff/news/<int:pk>/publish/", views.staff_news_publish, name="staff-news-publish"),
    path("staff/news/<int:pk>/unpublish/", views.staff_news_unpublish, name="staff-news-unpublish"),
    path("staff/feedback/", views.feedback_results, name="feedback-results"),
    path("staff/feedback/export/", views.feedback_export, name="feedback-export"),
    path("staff/", views.staff_home, name="staff-home"),
    path("staff/audit/", views.audit_list, name="audit-list"),
    path("staff/notices/", views.notice_list, name="notice-list"),
    path("staff/notices/read/", views.notices_mark_read, name="notices-mark-read"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    # The language switch is on every page, cached public pages too, so it carries no CSRF token: the
    # worst a forged request can do is change the visitor's language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("schools.urls")),
    path("", include("datacollection.urls")),
    path("", include("gis.urls")),
    path("", include("reports.urls")),
    path("", include("reports.booklet.urls")),
    path("api/v1/", include("aoc.api_urls")),
]

if settings.SERVE_MEDIA:
    # Public media (school photos) served by the portal itself, so that a single container works;
    # behind a web server, let it serve MEDIA_ROOT and set SERVE_MEDIA=0.
    urlpatterns.append(
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}
        )
    )
