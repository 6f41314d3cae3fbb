"""Publishing: who may, what may be published, and that pages, files and the API switch together."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from aoc.models import AuditLog
from datacollection import services as round_services
from datacollection.models import Submission
from reports import statistics
from reports.models import DatasetVersion, Publication, PublishedSchool
from reports.services import publication_create
from schools.models import EnrolmentFigure
from tests.reports.conftest import add_students, make_round, students


def test_district_staff_publish_a_closed_round_from_the_page(
    client_for, district_staff, closed_round, django_capture_on_commit_callbacks
):
    client = client_for(district_staff)
    preview = client.get(reverse("reports:publishing-preview", args=[closed_round.slug]))
    assert preview.status_code == 200
    assert "เผยแพร่" in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:publish", args=[closed_round.slug]), {"note": "รอบแรก"})
    assert response.status_code == 302
    publication = Publication.objects.get()
    assert (publication.schools_included, publication.schools_expected, publication.students_total) == (
        4,
        5,
        25,
    )
    assert publication.published_by == district_staff and publication.note == "รอบแรก"
    entry = AuditLog.objects.get(action="reports.publication.created")
    assert entry.actor == district_staff and entry.data["students"] == 25
    assert "เผยแพร่ข้อมูล" in client.get(reverse("reports:publishing")).content.decode()


def test_a_note_too_long_is_refused_with_a_thai_message_and_nothing_is_published(
    client_for, district_staff, closed_round
):
    client = client_for(district_staff)
    response = client.post(
        reverse("reports:publish", args=[closed_round.slug]), {"note": "ก" * 501}, follow=True
    )
    assert not Publication.objects.exists()
    assert response.redirect_chain[-1][0] == reverse("reports:publishing-preview", args=[closed_round.slug])
    assert "หมายเหตุ" in response.content.decode() and "500" in response.content.decode()


def test_preview_shows_what_would_be_public_and_keeps_nothing(client_for, district_staff, closed_round):
    response = client_for(district_staff).get(reverse("reports:publishing-preview", args=[closed_round.slug]))
    preview = response.context["preview"]
    assert preview.students_total == 25 and preview.schools_included == 4
    assert [s.school.name_th for s in preview.missing] == ["บ้านยังไม่รับรอง"]
    assert not Publication.objects.exists() and not DatasetVersion.objects.exists()
    assert not EnrolmentFigure.objects.filter(source=EnrolmentFigure.Source.DMC).exists()


@pytest.mark.parametrize("persona", ["ict_staff", "director", "officer_a"])
def test_other_roles_cannot_publish(client_for, personas, closed_round, persona):
    response = client_for(personas[persona]).post(reverse("reports:publish", args=[closed_round.slug]))
    assert response.status_code == 403
    assert not Publication.objects.exists()
    with pytest.raises(PermissionDenied):
        publication_create(closed_round, actor=personas[persona])


def test_anonymous_visitors_are_sent_to_log_in(client, closed_round):
    response = client.post(reverse("reports:publish", args=[closed_round.slug]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(reverse("reports:publishing")).status_code == 302
    assert not Publication.objects.exists()


def test_publishing_page_is_for_district_roles_only(client_for, personas):
    assert client_for(personas["director"]).get(reverse("reports:publishing")).status_code == 200
    assert client_for(personas["officer_a"]).get(reverse("reports:publishing")).status_code == 403


def test_publish_is_post_only(client_for, district_staff, closed_round):
    assert (
        client_for(district_staff).get(reverse("reports:publish", args=[closed_round.slug])).status_code
        == 405
    )


def test_an_open_round_is_refused_with_a_thai_message(client_for, district_staff, district):
    round_ = make_round(district_staff, [district["A"]])
    add_students(round_, district["A"], students(6, "ป.1", "M"))
    with pytest.raises(ValidationError) as error:
        publication_create(round_, actor=district_staff)
    assert "ยังเปิดรับข้อมูลอยู่" in " ".join(error.value.messages)
    response = client_for(district_staff).post(reverse("reports:publish", args=[round_.slug]), follow=True)
    assert "ปิดรอบก่อนจึงจะเผยแพร่ได้" in response.content.decode()
    assert not Publication.objects.exists()


def test_a_round_with_nothing_accepted_is_refused(district_staff, district):
    round_ = make_round(district_staff, [district["E"]])
    add_students(round_, district["E"], students(6, "ป.1", "M"), status=Submission.Status.SUBMITTED)
    round_services.round_close(round_, actor=district_staff)
    with pytest.raises(ValidationError, match="ยังไม่มีโรงเรียนที่ได้รับการรับรอง"):
        publication_create(round_, actor=district_staff)


def test_unaccepted_data_is_never_public(client, publication, district):
    school_e = district["E"]
    assert not PublishedSchool.objects.filter(school=school_e).exists()
    assert (
        client.get(reverse("reports:statistics-students") + f"?by=school&school={school_e.code}").status_code
        == 404
    )
    body = client.get(reverse("reports:statistics-students") + "?by=school").content.decode()
    assert school_e.name_th not in body
    api = client.get("/api/v1/statistics/students/?by=school").json()
    assert school_e.code not in [row["code"] for row in api["results"]]


def test_publishing_sets_the_schools_enrolment_from_the_published_totals(publication, district):
    figure = EnrolmentFigure.objects.get(school=district["A"], source=EnrolmentFigure.Source.DMC)
    assert (figure.students, figure.as_of) == (6, publication.as_of)
    assert not EnrolmentFigure.objects.filter(
        school=district["E"], source=EnrolmentFigure.Source.DMC
    ).exists()


def test_a_reopened_submission_changes_nothing_public_until_the_next_publication(
    client, district_staff, closed_round, district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = publication_create(closed_round, actor=district_staff)
    page = reverse("reports:statistics")
    assert "25" in client.get(page).content.decode()  # and now cached
    first_csv = client.get(
        reverse("reports:dataset-latest", args=["students-by-grade-sex", "csv"]), follow=True
    )
    first_csv_body = b"".join(first_csv.streaming_content)

    # School B's data change after publishing (reopened, new file, accepted again): nothing public moves.
    StudentRecord = __import__("datacollection.models", fromlist=["StudentRecord"]).StudentRecord
    StudentRecord.objects.filter(school=district["B"]).delete()
    add_students(closed_round, district["B"], students(30, "ป.1", "F"))
    assert statistics.students_by_grade_sex(first, by="district").totals.grand_total == 25
    assert client.get("/api/v1/statistics/students/?by=district").json()["results"][0]["total"] == 25

    # Publishing again switches pages, API and downloads together.
    with django_capture_on_commit_callbacks(execute=True):
        second = publication_create(closed_round, actor=district_staff)
    assert statistics.current_publication() == second
    assert "45" in client.get(page).content.decode()
    assert client.get("/api/v1/statistics/students/?by=district").json()["results"][0]["total"] == 45
    latest = client.get(reverse("reports:dataset-latest", args=["students-by-grade-sex", "csv"]))
    assert latest["Location"].endswith(f"/v2/students-by-grade-sex_{closed_round.slug}.csv")

    # The earlier publication and its files stay reachable.
    old_page = client.get(page + f"?pub={first.pk}").content.decode()
    assert "กำลังแสดงข้อมูลที่เผยแพร่ก่อนหน้านี้" in old_page
    assert (
        client.get(f"/api/v1/statistics/students/?by=district&publication={first.pk}").json()["results"][0][
            "total"
        ]
        == 25
    )
    old_file = client.get(
        f"/downloads/students-by-grade-sex/v1/students-by-grade-sex_{closed_round.slug}.csv"
    )
    assert old_file.status_code == 200
    assert b"".join(old_file.streaming_content) == first_csv_body


def test_download_urls_are_stable_and_unknown_versions_are_404(client, publication, closed_round):
    version = DatasetVersion.objects.get(dataset__slug="students-by-grade-sex", file_format="csv")
    url = version.get_absolute_url()
    assert url == f"/downloads/students-by-grade-sex/v1/students-by-grade-sex_{closed_round.slug}.csv"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("รหัสโรงเรียน,ชื่อ,อำเภอ,ป.1 ชาย")
    assert client.get("/downloads/students-by-grade-sex/v9/x.csv").status_code == 404
    xlsx = DatasetVersion.objects.get(dataset__slug="students-by-grade-sex", file_format="xlsx")
    assert client.get(xlsx.get_absolute_url()).status_code == 200


def test_staff_upload_a_file_as_a_new_version(client_for, district_staff, publication, officer_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("reports:dataset-upload")
    assert client_for(officer_a).get(url).status_code == 403
    client = client_for(district_staff)
    dataset = DatasetVersion.objects.filter(dataset__slug="students-by-grade-sex").first().dataset
    response = client.post(
        url,
        {
            "dataset": dataset.pk,
            "file": SimpleUploadedFile("ตาราง แก้ไข.csv", b"a,b\r\n1,2\r\n"),
            "note": "แก้ไข",
        },
    )
    assert response.status_code == 302
    version = DatasetVersion.objects.get(dataset=dataset, number=2)
    assert version.file_format == "csv" and version.filename.endswith(".csv")
    entry = AuditLog.objects.get(action="reports.datasetversion.uploaded")
    assert entry.actor == district_staff and entry.data["number"] == 2
    assert client.get(version.get_absolute_url()).status_code == 200
    # Version 1 keeps its address.
    v1 = DatasetVersion.objects.get(dataset=dataset, number=1, file_format="csv")
    assert client.get(v1.get_absolute_url()).status_code == 200


def test_an_upload_of_another_kind_of_file_is_refused(client_for, district_staff, publication):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dataset = DatasetVersion.objects.first().dataset
    response = client_for(district_staff).post(
        reverse("reports:dataset-upload"), {"dataset": dataset.pk, "file": SimpleUploadedFile("x.exe", b"MZ")}
    )
    assert response.status_code == 200
    assert "รับเฉพาะไฟล์" in response.content.decode()


def test_generated_files_are_added_as_versions_of_a_dataset(client, db, director, district_staff):
    from reports.services import dataset_file_add

    with pytest.raises(PermissionDenied):
        dataset_file_add("booklet", actor=director, content=b"%PDF-1.7", filename="b.pdf", file_format="pdf")
    first = dataset_file_add(
        "booklet", actor=district_staff, content=b"%PDF-1.7 one", filename="booklet-2569.pdf",
        file_format="pdf", title="เอกสารสารสนเทศประจำปี", category="booklet",
    )  # fmt: skip
    second = dataset_file_add(
        "booklet",
        actor=district_staff,
        content=b"%PDF-1.7 two",
        filename="booklet-2569.pdf",
        file_format="pdf",
    )
    assert (first.number, second.number) == (1, 2)
    assert first.dataset.title == "เอกสารสารสนเทศประจำปี"
    assert b"".join(client.get(first.get_absolute_url()).streaming_content) == b"%PDF-1.7 one"
    assert AuditLog.objects.filter(action="reports.datasetversion.added").count() == 2


def test_the_upload_page_ignores_a_malformed_dataset_in_its_address(client_for, district_staff):
    response = client_for(district_staff).get(reverse("reports:dataset-upload") + "?dataset=%00")
    assert response.status_code == 200
    assert response.context["form"].initial["dataset"] is None
