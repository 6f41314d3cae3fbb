"""The GeoJSON route, included by the one API router module (``aoc/api_urls.py``): ``api:schools-geojson``."""

from django.urls import path

from gis.api import views

urlpatterns = [
    path("schools.geojson", views.schools_geojson, name="schools-geojson"),
]
