"""The reports routes: viewsets registered on the one router in ``aoc/api_urls.py`` (``routes``) and the
statistics tables (``urlpatterns``, included there)."""

from django.urls import path

from reports.api import views

# (prefix, viewset, basename)
routes = [
    ("publications", views.PublicationViewSet, "publication"),
    ("datasets", views.DatasetViewSet, "dataset"),
]

urlpatterns = [
    path("statistics/schools/", views.SchoolsBySizeView.as_view(), name="statistics-schools"),
    path(
        "statistics/small-school-bands/", views.SmallSchoolBandsView.as_view(), name="statistics-small-bands"
    ),
    path("statistics/students/", views.StudentsView.as_view(), name="statistics-students"),
    path("statistics/disadvantaged/", views.DisadvantagedView.as_view(), name="statistics-disadvantaged"),
    path("statistics/disabled/", views.DisabledView.as_view(), name="statistics-disabled"),
    path("statistics/trend/", views.TrendView.as_view(), name="statistics-trend"),
]
