from django.urls import path

from datacollection import views

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
    path(f"{submission}upload/", views.submission_upload, name="submission-upload"),
    path(f"{submission}submit/", views.submission_submit, name="submission-submit"),
    path(f"{submission}withdraw/", views.submission_withdraw, name="submission-withdraw"),
    path(f"{submission}return/", views.submission_return, name="submission-return"),
    path(f"{submission}accept/", views.submission_accept, name="submission-accept"),
    path(f"{submission}reopen/", views.submission_reopen, name="submission-reopen"),
    path(f"{submission}students/", views.submission_records, name="submission-records"),
    path(f"{submission}uploads/<int:pk>/progress/", views.upload_progress, name="upload-progress"),
    path(f"{submission}uploads/<int:pk>/report/", views.upload_report, name="upload-report"),
]
