from django.urls import path

from schools import views

app_name = "schools"

urlpatterns = [
    path("schools/", views.directory, name="directory"),
    path("schools/<str:code>/", views.profile, name="profile"),
    path("staff/schools/", views.registry_list, name="registry-list"),
    path("staff/schools/import/", views.registry_import, name="registry-import"),
    path("staff/schools/export/", views.registry_export, name="registry-export"),
    path("staff/schools/<str:code>/", views.registry_detail, name="registry-detail"),
    path("staff/schools/<str:code>/edit/", views.school_edit, name="school-edit"),
    path("staff/schools/<str:code>/officers/add/", views.officer_form, name="officer-add"),
    path("staff/schools/<str:code>/officers/<int:pk>/edit/", views.officer_form, name="officer-edit"),
    path("staff/schools/<str:code>/officers/<int:pk>/delete/", views.officer_delete, name="officer-delete"),
    path("staff/schools/<str:code>/photos/add/", views.photo_add, name="photo-add"),
    path("staff/schools/<str:code>/photos/<int:pk>/edit/", views.photo_edit, name="photo-edit"),
    path("staff/schools/<str:code>/photos/<int:pk>/delete/", views.photo_delete, name="photo-delete"),
]
