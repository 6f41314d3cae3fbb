"""The annual booklet: its PDF read back with poppler (pdfinfo, pdffonts, pdftotext), the page that
builds it, the public downloads and ``manage.py build_booklet``."""

import re
import subprocess
import sys
import unicodedata

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.urls import reverse

from aoc.models import AuditLog
from reports.booklet import content as booklet_content
from reports.booklet import services
from reports.models import Booklet
from tests.reports.booklet_data import SCHOOLS, publish


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def poppler(*args) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True).stdout


def page_text(path, page) -> str:
    return normalise(poppler("pdftotext", "-f", str(page), "-l", str(page), str(path), "-"))


@pytest.fixture(autouse=True)
def booklet_files(tmp_path, monkeypatch):
    monkeypatch.setattr(Booklet._meta.get_field("file"), "storage", FileSystemStorage(tmp_path / "private"))


@pytest.fixture
def publication(db):
    return publish()


@pytest.fixture
def booklet_pdf(publication, tmp_path):
    path = tmp_path / "booklet.pdf"
    pages = services.render_booklet(publication, path)
    return path, pages


def test_booklet_has_plausible_pages_and_embedded_sarabun(booklet_pdf):
    path, pages = booklet_pdf
    info = poppler("pdfinfo", str(path))
    assert re.search(rf"^Pages:\s+{pages}$", info, re.MULTILINE)
    assert 8 <= pages <= 30
    assert "A4" in info
    fonts = poppler("pdffonts", str(path)).splitlines()[2:]
    assert fonts
    for line in fonts:
        name, *_, emb, _sub, uni, _obj, _gen = line.split()
        assert "Sarabun" in name
        assert (emb, uni) == ("yes", "yes")


def test_booklet_text_layer_holds_the_source_texts(booklet_pdf, publication):
    path, _ = booklet_pdf
    text = normalise(poppler("pdftotext", str(path), "-"))
    for expected in [
        settings.DISTRICT["name_th"],
        "ข้อมูลสารสนเทศทางการศึกษา",
        "ปีการศึกษา 2569",
        "ข้อมูล ณ วันที่ 10 มิถุนายน 2569",  # BE date
        "คำนำ",
        "สารบัญ",
        "บทที่ 1 สภาพทั่วไป",
        "บทที่ 2 นิยามศัพท์และเกณฑ์",
        "บทที่ 3 ข้อมูลพื้นฐาน",
        "ภาคผนวก",
        "จำนวนนักเรียนทั้งเขตพื้นที่ จำแนกตามชั้นและเพศ",
        "อำเภอหาดใหญ่",
        "ศรีสุวรรณวิทยา",
        publication.round.label,
    ]:
        assert normalise(expected) in text, expected
    for name, *_ in SCHOOLS:
        assert normalise(name) in text
    for school in publication.schools.all():
        assert school.code in text
    total = sum(m + f for *_, grades in SCHOOLS for m, f in grades.values())
    assert f"{total:,}" in text  # the district total, as printed
    # The foreword and cover say how many schools and students.
    assert f"ดูแลโรงเรียนในสังกัด {len(SCHOOLS)} โรง" in text


def test_contents_page_numbers_point_at_the_chapters(booklet_pdf):
    path, pages = booklet_pdf
    contents = page_text(path, 3)
    assert contents.startswith("สารบัญ")
    for heading in ("บทที่ 1 สภาพทั่วไป", "บทที่ 3 ข้อมูลพื้นฐาน", "ภาคผนวก รายชื่อโรงเรียนและแหล่งข้อมูล"):
        match = re.search(re.escape(heading) + r"[ .]*?(\d+)", contents)
        assert match, heading
        page = int(match.group(1))
        assert 3 < page <= pages
        target = page_text(path, page)
        # The running header names the chapter, the page number is printed at the foot.
        assert heading.split()[0] in target
        assert target.endswith(str(page)) or f" {page} " in f" {target} "


def test_long_tables_break_across_pages_with_their_header_repeated(db, tmp_path):
    many = [
        (f"บ้านหนองน้ำใส{i}", "9011", "kinder_primary", {"อ.1": (i % 7, 3), "ป.1": (5, i % 5)})
        for i in range(70)
    ]
    publication = publish(schools=many)
    path = tmp_path / "long.pdf"
    pages = services.render_booklet(publication, path)
    texts = {page: page_text(path, page).replace(" ", "") for page in range(1, pages + 1)}
    # Pages of the per-school table of the amphoe: school rows under the table's header (whose cells
    # may wrap, so spaces are ignored).
    name, header = normalise("บ้านหนองน้ำใส"), normalise("ก่อนประถมศึกษา")
    header_pages = [p for p, text in texts.items() if header in text and name in text]
    assert len(header_pages) >= 2  # the per-school table runs over pages, each with its header
    assert header_pages == list(range(header_pages[0], header_pages[0] + len(header_pages)))


def test_parts_keep_every_row_and_the_total_once():
    rows = [[f"โรงเรียน{i}", i] for i in range(25)]
    table = booklet_content.Table(
        title="ตาราง", head=[[("ชื่อ", 1, 1), ("นักเรียน", 1, 1)]], rows=rows, foot=["รวม", 300]
    )
    chapter = booklet_content.Chapter(
        "บทที่ 3", "ข้อมูลพื้นฐาน", "ch3", [booklet_content.Section(title="ส่วน", anchor="s", tables=[table])]
    )
    parts = booklet_content.split_into_parts([chapter], max_rows=10)
    pieces = [t for part in parts for s in part.sections for t in s.tables]
    assert [len(p.rows) for p in pieces] == [10, 10, 5]
    assert [r for p in pieces for r in p.rows] == rows
    assert [p.foot for p in pieces] == [None, None, ["รวม", 300]]
    assert [p.title for p in pieces] == ["ตาราง", "ตาราง (ต่อ)", "ตาราง (ต่อ)"]
    assert [part.starts_chapter for part in parts] == [True, False, False]
    assert [s.continued for part in parts for s in part.sections] == [False, True, True]


# --- manage.py build_booklet ----------------------------------------------------------------------


def test_build_booklet_writes_the_pdf(publication, tmp_path, capsys):
    output = tmp_path / "out.pdf"
    call_command(
        "build_booklet", "--year", "2569", "--round", publication.round.slug, "--output", str(output)
    )
    assert output.read_bytes().startswith(b"%PDF-")
    assert "pages" in capsys.readouterr().out


def test_build_booklet_refuses_a_year_without_published_data(publication, tmp_path):
    with pytest.raises(CommandError, match="No published data for academic year 2568"):
        call_command("build_booklet", "--year", "2568", "--output", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="round dmc-2569-9"):
        call_command(
            "build_booklet", "--year", "2569", "--round", "dmc-2569-9", "--output", str(tmp_path / "x.pdf")
        )
    assert not (tmp_path / "x.pdf").exists()


def test_build_booklet_exits_non_zero_without_published_data(db, tmp_path):
    """The command line itself: exit status 1 and the reason on stderr."""
    database = settings.DATABASES["default"]
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    result = subprocess.run(
        [sys.executable, "manage.py", "build_booklet", "--year", "2569", "--output", str(tmp_path / "x.pdf")],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": url, "HOME": str(tmp_path)},
        cwd=settings.BASE_DIR,
        timeout=120,
    )
    assert result.returncode == 1
    assert "No published data for academic year 2569" in result.stderr


# --- The staff page and the public downloads ------------------------------------------------------


def test_staff_roles_see_the_booklet_page(client_for, district_staff, director, ict_staff, officer_a):
    for user in (district_staff, director, ict_staff):
        assert client_for(user).get(reverse("booklets:list")).status_code == 200
    assert client_for(officer_a).get(reverse("booklets:list")).status_code == 403
    response = client_for(None).get(reverse("booklets:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_director_starts_a_build_and_the_task_is_queued(
    client_for, director, publication, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(director).post(reverse("booklets:start"), {"publication": publication.pk})
    assert response.status_code == 302
    booklet = Booklet.objects.get()
    assert (booklet.year, booklet.version, booklet.status, booklet.built_by) == (2569, 1, "queued", director)
    assert len(callbacks) == 1
    entry = AuditLog.objects.get(action="reports.booklet.requested")
    assert entry.actor == director and entry.data["version"] == 1


def test_officers_ict_and_anonymous_cannot_start_a_build(client_for, officer_a, ict_staff, publication):
    for user in (officer_a, ict_staff):
        assert (
            client_for(user).post(reverse("booklets:start"), {"publication": publication.pk}).status_code
            == 403
        )
    response = client_for(None).post(reverse("booklets:start"), {"publication": publication.pk})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Booklet.objects.exists()


def test_start_is_post_only(client_for, district_staff):
    assert client_for(district_staff).get(reverse("booklets:start")).status_code == 405


def test_a_second_build_of_the_same_data_waits_for_the_first(client_for, district_staff, publication):
    services.booklet_request(publication, actor=district_staff)
    response = client_for(district_staff).post(reverse("booklets:start"), {"publication": publication.pk})
    assert response.status_code == 400
    assert "กำลังจัดทำอยู่" in response.content.decode()
    assert Booklet.objects.count() == 1


def test_a_build_lost_from_the_queue_no_longer_blocks_a_new_one(district_staff, publication, settings):
    """The broker lost the task (or the worker died): after BOOKLET_STALE_MINUTES the old build is
    marked failed, with the reason, and a new version may be started."""
    import datetime

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from aoc.models import AuditLog

    settings.BOOKLET_STALE_MINUTES = 30
    lost = services.booklet_request(publication, actor=district_staff)
    Booklet.objects.filter(pk=lost.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=29))
    with pytest.raises(ValidationError):
        services.booklet_request(publication, actor=district_staff)
    Booklet.objects.filter(pk=lost.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=31))

    again = services.booklet_request(publication, actor=district_staff)

    lost.refresh_from_db()
    assert lost.status == Booklet.Status.FAILED and "30 นาที" in lost.error
    assert again.status == Booklet.Status.QUEUED and again.version == lost.version + 1
    assert AuditLog.objects.filter(action="reports.booklet.abandoned").count() == 1


def test_built_booklets_are_versioned_and_downloadable(
    client_for, district_staff, director, officer_a, publication
):
    first = services.booklet_build(services.booklet_request(publication, actor=district_staff).pk)
    second = services.booklet_build(services.booklet_request(publication, actor=director).pk)
    assert (first.status, first.version, second.version) == ("done", 1, 2)
    assert first.pages > 5 and first.size > 10_000
    assert AuditLog.objects.filter(action="reports.booklet.built").count() == 2

    page = client_for(director).get(reverse("booklets:list")).content.decode()
    assert reverse("booklets:download", args=[first.pk]) in page
    assert reverse("booklets:download", args=[second.pk]) in page
    response = client_for(director).get(reverse("booklets:download", args=[first.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client_for(officer_a).get(reverse("booklets:download", args=[first.pk])).status_code == 403

    # Public: each version at its own stable address, listed on the public page.
    public = client_for(None).get(reverse("booklets:public-list")).content.decode()
    assert "/booklets/2569/v1.pdf" in public and "/booklets/2569/v2.pdf" in public
    response = client_for(None).get("/booklets/2569/v1.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_unfinished_booklets_are_not_public(client_for, district_staff, publication):
    booklet = services.booklet_request(publication, actor=district_staff)
    assert client_for(None).get("/booklets/2569/v1.pdf").status_code == 404
    assert (
        "/booklets/2569/v1.pdf" not in client_for(None).get(reverse("booklets:public-list")).content.decode()
    )
    Booklet.objects.filter(pk=booklet.pk).update(status=Booklet.Status.FAILED)
    assert client_for(None).get("/booklets/2569/v1.pdf").status_code == 404


def test_progress_bar_then_refresh_when_done(client_for, district_staff, publication):
    booklet = services.booklet_request(publication, actor=district_staff)
    Booklet.objects.filter(pk=booklet.pk).update(status="running", progress=42, stage="กำลังจัดหน้า")
    response = client_for(district_staff).get(reverse("booklets:progress", args=[booklet.pk]))
    assert response.status_code == 200
    assert 'aria-valuenow="42"' in response.content.decode() and "กำลังจัดหน้า" in response.content.decode()
    services.booklet_build(booklet.pk)  # a running booklet left by a dead worker is built again
    response = client_for(district_staff).get(reverse("booklets:progress", args=[booklet.pk]))
    assert response.status_code == 204 and response["HX-Refresh"] == "true"


def test_a_failed_build_says_why(district_staff, publication, monkeypatch):
    booklet = services.booklet_request(publication, actor=district_staff)

    def broken(*args, **kwargs):
        raise RuntimeError("แบบอักษรหาย")

    monkeypatch.setattr(services.render, "write_booklet", broken)
    booklet = services.booklet_build(booklet.pk)
    assert booklet.status == "failed" and "แบบอักษรหาย" in booklet.error
    assert AuditLog.objects.filter(action="reports.booklet.failed").exists()
    assert services.booklet_build(booklet.pk).status == "failed"  # run twice: left alone


def test_a_booklet_of_a_real_publication_holds_only_accepted_schools(closed_round, district_staff, tmp_path):
    """Published through the real service from accepted submissions (tests/reports/conftest.py): the
    school whose data was not accepted is nowhere in the booklet, and the totals are the accepted ones."""
    from reports.services import publication_create

    publication = publication_create(closed_round, actor=district_staff)
    path = tmp_path / "real.pdf"
    services.render_booklet(publication, path)
    text = normalise(poppler("pdftotext", str(path), "-"))
    assert normalise("บ้านยังไม่รับรอง") not in text
    assert normalise("ดูแลโรงเรียนในสังกัด 4 โรง ใน 2 อำเภอ มีนักเรียนรวม 25 คน (ชาย 12 คน หญิง 13 คน)") in text


def test_the_booklet_page_reads_in_a_fixed_number_of_queries(
    client_for, district_staff, publication, django_assert_max_num_queries
):
    for version in range(1, 6):
        Booklet.objects.create(
            year=2569, publication=publication, version=version, status="done", built_by=district_staff
        )
    client = client_for(district_staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("booklets:list"))
    assert response.status_code == 200
    assert len(re.findall(r'href="/staff/booklets/\d+/download/"', response.content.decode())) == 5


def test_a_booklet_whose_file_is_missing_is_not_found_rather_than_a_server_error(
    client_for, district_staff, publication
):
    booklet = Booklet.objects.create(
        year=2569, publication=publication, version=1, status="done", built_by=district_staff
    )
    assert client_for(district_staff).get(reverse("booklets:download", args=[booklet.pk])).status_code == 404
    booklet.file.name = "reports/booklets/2569/booklet-2569-v1.pdf"  # recorded, but not in storage
    booklet.save()
    assert client_for(district_staff).get(reverse("booklets:download", args=[booklet.pk])).status_code == 404
