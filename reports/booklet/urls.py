from django.urls import path

from . import views

app_name = "booklets"

urlpatterns = [
    path("staff/booklets/", views.booklet_list, name="list"),
    path("staff/booklets/start/", views.booklet_start, name="start"),
    path("staff/booklets/<int:pk>/progress/", views.booklet_progress, name="progress"),
    path("staff/booklets/<int:pk>/download/", views.booklet_download, name="download"),
    # Public: one stable address per version; a new version never changes an old one's.
    path("booklets/", views.public_booklet_list, name="public-list"),
    path("booklets/<int:year>/v<int:version>.pdf", views.public_booklet_download, name="public-download"),
]
