"""The one API router (``/api/v1/``, namespace ``api``). Each app lists its routes in its ``api``
package; the OpenAPI schema and its documentation page (assets served by the portal, no CDN) sit
beside them."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from aoc.catalog import CatalogView
from datacollection.api.urls import routes as datacollection_routes
from reports.api.urls import routes as reports_routes
from schools.api.urls import routes as schools_routes

app_name = "api"

router = DefaultRouter()
for prefix, viewset, basename in [*schools_routes, *datacollection_routes, *reports_routes]:
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("catalog.json", CatalogView.as_view(), name="catalog"),
    path("", include("gis.api.urls")),
    path("", include("reports.api.urls")),
    *router.urls,
]
