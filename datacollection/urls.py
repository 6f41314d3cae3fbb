from django.urls import path

from datacollection import bobec_views, emis_views, movement_views, views

app_name = "datacollection"

submission = "staff/rounds/<slug:slug>/schools/<str:code>/"

urlpatterns = [
    path("rounds/", views.round_calendar, name="round-calendar"),
    path("rounds/<slug:slug>/guide/", views.round_guide, name="round-guide"),
    path("staff/rounds/new/", views.round_create, name="round-create"),
    path("staff/rounds/<slug:slug>/", views.round_detail, name="round-detail"),
    path("staff/rounds/<slug:slug>/edit/", views.round_edit, name="round-edit"),
    path("staff/rounds/<slug:slug>/open/", views.round_open, name="round-open"),
    path("staff/rounds/<slug:slug>/close/", views.round_close, name="round-close"),
    path("staff/rounds/<slug:slug>/export/", views.round_export, name="round-export"),
    path("staff/chase/", views.chase_board, name="chase-board"),
    path("staff/chase/schools/<str:code>/", views.school_history, name="school-history"),
    path(submission, views.submission_detail, name="submission-detail"),
    path(f"{submission}template/", views.submission_template, name="submission-template"),
    path(f"{submission}emis/<str:section>/", emis_views.emis_section, name="emis-section"),
    path(f"{submission}upload/", views.submission_upload, name="submission-upload"),
    path(f"{submission}submit/", views.submission_submit, name="submission-submit"),
    path(f"{submission}withdraw/", views.submission_withdraw, name="submission-withdraw"),
    path(f"{submission}return/", views.submission_return, name="submission-return"),
    path(f"{submission}accept/", views.submission_accept, name="submission-accept"),
    path(f"{submission}reopen/", views.submission_reopen, name="submission-reopen"),
    path(f"{submission}students/", views.submission_records, name="submission-records"),
    path(f"{submission}uploads/<int:pk>/progress/", views.upload_progress, name="upload-progress"),
    path(f"{submission}uploads/<int:pk>/report/", views.upload_report, name="upload-report"),
    # B-OBEC: a school's buildings, and the district's overview of a round
    path("staff/rounds/<slug:slug>/buildings/", bobec_views.overview, name="bobec-overview"),
    path("staff/rounds/<slug:slug>/buildings/export/", bobec_views.overview_export, name="bobec-export"),
    path(f"{submission}buildings/start/", bobec_views.buildings_start, name="buildings-start"),
    path(f"{submission}buildings/new/", bobec_views.building_create, name="building-create"),
    path(f"{submission}buildings/<int:pk>/", bobec_views.building_edit, name="building-edit"),
    path(
        f"{submission}buildings/<int:pk>/demolish/", bobec_views.building_demolish, name="building-demolish"
    ),
    path(f"{submission}buildings/<int:pk>/restore/", bobec_views.building_restore, name="building-restore"),
    path(f"{submission}buildings/<int:pk>/delete/", bobec_views.building_delete, name="building-delete"),
    path(
        f"{submission}buildings/<int:pk>/photos/", bobec_views.building_photo_add, name="building-photo-add"
    ),
    path(
        f"{submission}buildings/photos/<int:pk>/delete/",
        bobec_views.building_photo_delete,
        name="building-photo-delete",
    ),
    # The student movement watch: <slug> is the later round of a pair of consecutive DMC rounds.
    path("staff/movement/", movement_views.movement_index, name="movement-index"),
    path("staff/movement/<slug:slug>/", movement_views.movement_summary, name="movement-summary"),
    path(
        "staff/movement/<slug:slug>/leavers.xlsx",
        movement_views.movement_district_export,
        name="movement-district-export",
    ),
    path(
        "staff/movement/<slug:slug>/schools/<str:code>/",
        movement_views.movement_school,
        name="movement-school",
    ),
    path(
        "staff/movement/<slug:slug>/schools/<str:code>/follow-up/",
        movement_views.movement_follow_up,
        name="movement-follow-up",
    ),
    path(
        "staff/movement/<slug:slug>/schools/<str:code>/export/",
        movement_views.movement_school_export,
        name="movement-school-export",
    ),
]
