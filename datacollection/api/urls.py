"""The data-collection routes, registered on the one router in ``aoc/api_urls.py``."""

from datacollection.api import views

# (prefix, viewset, basename)
routes = [
    ("rounds", views.RoundViewSet, "round"),
    (r"rounds/(?P<round_slug>[-\w]+)/submissions", views.SubmissionViewSet, "submission"),
    ("uploads", views.UploadViewSet, "upload"),
]
