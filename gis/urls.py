app_name = "gis"

urlpatterns = []
