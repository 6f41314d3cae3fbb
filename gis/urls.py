from django.urls import path

from gis import views

app_name = "gis"

school = "staff/updates/school/<str:code>/"

urlpatterns = [
    path("map/", views.school_map, name="map"),
    path("map/schools/<str:code>/", views.school_popup, name="popup"),
    path("staff/map/", views.staff_map, name="staff-map"),
    path("staff/map/<slug:slug>/schools.geojson", views.staff_map_data, name="staff-map-data"),
    path("staff/updates/", views.proposal_list, name="proposal-list"),
    path("staff/updates/<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path("staff/updates/<int:pk>/approve/", views.proposal_approve, name="proposal-approve"),
    path("staff/updates/<int:pk>/reject/", views.proposal_reject, name="proposal-reject"),
    path(school, views.school_updates, name="school-updates"),
    path(f"{school}location/", views.location_propose, name="location-propose"),
    path(f"{school}photo/", views.photo_propose, name="photo-propose"),
]
