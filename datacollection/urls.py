from django.urls import path

from datacollection import movement_views, views

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
    path(submission, views.submission_detail, name="submission-detail"),
    path(f"{submission}upload/", views.submission_upload, name="submission-upload"),
    path(f"{submission}submit/", views.submission_submit, name="submission-submit"),
    path(f"{submission}withdraw/", views.submission_withdraw, name="submission-withdraw"),
    path(f"{submission}return/", views.submission_return, name="submission-return"),
    path(f"{submission}accept/", views.submission_accept, name="submission-accept"),
    path(f"{submission}reopen/", views.submission_reopen, name="submission-reopen"),
    path(f"{submission}students/", views.submission_records, name="submission-records"),
    path(f"{submission}uploads/<int:pk>/progress/", views.upload_progress, name="upload-progress"),
    path(f"{submission}uploads/<int:pk>/report/", views.upload_report, name="upload-report"),
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
