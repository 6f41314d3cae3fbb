"""The schools routes, registered on the one router in ``aoc/api_urls.py``."""

from schools.api import views

# (prefix, viewset, basename)
routes = [
    ("schools", views.SchoolViewSet, "school"),
]
