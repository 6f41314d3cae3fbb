from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("statistics/", views.statistics_home, name="statistics"),
    path("statistics/schools/", views.statistics_schools, name="statistics-schools"),
    path("statistics/students/", views.statistics_students, name="statistics-students"),
    path("statistics/trend/", views.statistics_trend, name="statistics-trend"),
    path("statistics/special/", views.statistics_special, name="statistics-special"),
    path("downloads/", views.download_list, name="downloads"),
    path("downloads/<slug:slug>/", views.dataset_detail, name="dataset"),
    path("downloads/<slug:slug>/latest.<str:file_format>", views.dataset_latest, name="dataset-latest"),
    path(
        "downloads/<slug:slug>/v<int:number>/<str:filename>", views.download_version, name="download-version"
    ),
    path("staff/publishing/", views.publishing, name="publishing"),
    path("staff/publishing/<slug:round_slug>/", views.publishing_preview, name="publishing-preview"),
    path("staff/publishing/<slug:round_slug>/publish/", views.publish, name="publish"),
    path("staff/downloads/upload/", views.dataset_upload, name="dataset-upload"),
]
