import datetime
import io
import re

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.management import call_command

from aoc.models import AuditLog, User
from schools import services
from schools.demo import DEMO_PASSWORD, GENERATED_FIELDS, seed_demo_district
from schools.models import DataOfficer, EnrolmentFigure, Membership, School
from schools.services import validate_school, within_bounds

TODAY = datetime.date(2026, 11, 25)
AMPHOES = {"9011", "9009", "9013", "9014", "9016"}


@pytest.fixture
def seeded(db):
    return seed_demo_district(today=TODAY)


@pytest.mark.django_db
def test_demo_district_holds_the_127_real_schools_with_valid_codes(seeded):
    schools = list(School.objects.all())
    assert len(schools) == seeded.schools == 127
    for school in schools:
        assert re.fullmatch(r"1090\d{6}", school.code)
        assert school.smis_code.startswith("9002")
        assert school.area_code == "9002"
        assert school.obec_code == school.code[-6:]
    assert School.objects.get(smis_code="90020013").name_th == "บ้านเขาพระ"
    assert School.objects.filter(level=School.Level.KINDER_LOWER_SECONDARY).count() == 19
    assert School.objects.filter(level=School.Level.PRIMARY).count() == 2
    # EMIS's split SARA AM is stored as people type it.
    assert School.objects.filter(name_th="บ้านบางกล่ำ").exists()


@pytest.mark.django_db
def test_every_school_lies_in_one_of_the_five_amphoes_inside_the_province(seeded):
    for school in School.objects.select_related("amphoe"):
        assert school.amphoe.dopa_code in AMPHOES
        assert school.tambon and re.fullmatch(r"\d{5}", school.postcode)
        assert within_bounds(school.latitude, school.longitude), school
        south, west, north, east = settings.PROVINCE_BOUNDS
        assert south <= school.latitude <= north and west <= school.longitude <= east
    assert School.objects.get(name_th="บ้านเขาพระ").tambon == "เขาพระ"
    assert School.objects.get(name_th="บ้านเขาพระ").amphoe.name_th == "รัตภูมิ"
    counts = {code: School.objects.filter(amphoe__dopa_code=code).count() for code in AMPHOES}
    assert max(counts, key=counts.get) == "9011"  # Hat Yai has the most schools


@pytest.mark.django_db
def test_generated_schools_pass_the_registry_validation(seeded):
    for school in School.objects.all():
        validate_school(school)


@pytest.mark.django_db
def test_enrolment_is_plausible_and_marked_as_demo(seeded):
    figures = list(EnrolmentFigure.objects.all())
    assert len(figures) == 127
    assert {f.source for f in figures} == {EnrolmentFigure.Source.DEMO}
    assert {f.as_of for f in figures} == {datetime.date(2026, 6, 10)}
    students = [f.students for f in figures]
    assert 20_000 <= sum(students) <= 35_000
    assert sum(students) == seeded.total_students
    assert students.count(0) == 1
    small = sum(1 for n in students if 1 <= n <= 120)
    assert 0.55 <= small / 127 <= 0.60
    assert any(601 <= n <= 1500 for n in students)
    biggest = max(figures, key=lambda f: f.students)
    assert biggest.school.amphoe.dopa_code == "9011"
    assert sum(seeded.sizes.values()) == 127


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "as_of"),
    [
        (datetime.date(2026, 11, 25), datetime.date(2026, 6, 10)),
        (datetime.date(2027, 3, 1), datetime.date(2026, 6, 10)),
        (datetime.date(2026, 5, 15), datetime.date(2025, 6, 10)),
        (datetime.date(2026, 5, 16), datetime.date(2026, 6, 10)),
    ],
)
def test_enrolment_is_as_of_10_june_of_the_current_academic_year(today, as_of):
    assert seed_demo_district(today=today).as_of == as_of
    assert set(EnrolmentFigure.objects.values_list("as_of", flat=True)) == {as_of}


@pytest.mark.django_db
def test_one_login_per_role_and_two_officers_of_different_schools(seeded):
    for role in User.Role:
        assert User.objects.filter(role=role).exists(), role
    admin = User.objects.get(username="admin")
    assert admin.role == User.Role.ADMIN and admin.is_staff and admin.is_superuser
    for username in ("staff", "ict", "director"):
        user = User.objects.get(username=username)
        assert not user.is_superuser and user.is_district_wide
    officers = User.objects.filter(username__in=["school1", "school2"], role=User.Role.SCHOOL_OFFICER)
    schools = [Membership.objects.get(user=user).school for user in officers]
    assert len(schools) == 2 and schools[0] != schools[1]
    assert {s.smis_code for s in schools} == {"90020001", "90020002"}
    for user in officers:
        entry = DataOfficer.objects.get(user=user)
        assert entry.school == user.memberships.get().school
        assert entry.full_name.endswith(f"{user.first_name} {user.last_name}")
    assert all(user.email.endswith("@example.org") for user in User.objects.all())
    assert User.objects.get(username="school1").check_password(DEMO_PASSWORD)
    assert {login.password for login in seeded.logins} == {DEMO_PASSWORD}


@pytest.mark.django_db
def test_demo_password_satisfies_the_password_validators(seeded):
    for user in User.objects.all():
        password_validation.validate_password(DEMO_PASSWORD, user)


@pytest.mark.django_db
def test_every_school_has_one_or_two_generated_data_officers(seeded):
    counts = [school.officers.count() for school in School.objects.all()]
    assert set(counts) <= {1, 2} and 2 in counts
    assert not DataOfficer.objects.filter(is_generated=False).exists()
    for officer in DataOfficer.objects.all():
        assert re.fullmatch(r"08\d-\d{3}-\d{4}", officer.phone)
        assert officer.email.endswith("@example.org") and officer.line_id and officer.since
        assert officer.systems


@pytest.mark.django_db
def test_generated_fields_are_recorded(seeded):
    for school in School.objects.all():
        assert school.generated_fields == list(GENERATED_FIELDS)
        for name in (
            "amphoe",
            "tambon",
            "latitude",
            "phone",
            "principal_name",
            "founded_on",
            "quality_network",
        ):
            assert school.is_generated(name)
            assert getattr(school, name)
        assert re.fullmatch(r"074-\d{3}-\d{3}", school.phone)
        assert 2460 <= school.founded_on.year + 543 <= 2530


@pytest.mark.django_db
def test_seeding_twice_creates_nothing_and_writes_one_audit_entry(seeded):
    assert seeded.changed
    entry = AuditLog.objects.get(action="schools.demo.seeded")
    assert entry.actor is None
    assert entry.data["schools_created"] == 127 and entry.data["users_created"] == 6
    before = {
        "schools": list(School.objects.order_by("pk").values()),
        "figures": list(EnrolmentFigure.objects.order_by("pk").values()),
        "officers": list(DataOfficer.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
    }

    again = seed_demo_district(today=TODAY)

    assert not again.changed
    assert again.total_students == seeded.total_students
    assert {login.password for login in again.logins} == {None}  # existing accounts keep their passwords
    assert AuditLog.objects.filter(action="schools.demo.seeded").count() == 1
    assert before == {
        "schools": list(School.objects.order_by("pk").values()),
        "figures": list(EnrolmentFigure.objects.order_by("pk").values()),
        "officers": list(DataOfficer.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
    }


@pytest.mark.django_db
def test_seeding_again_keeps_what_people_changed(seeded):
    staff = User.objects.get(username="staff")
    school = School.objects.get(smis_code="90020003")
    services.school_update(school, actor=staff, phone="074-111-222")
    user = User.objects.get(username="school1")
    user.set_password("my-own-secret-2569")
    user.save()
    entry = DataOfficer.objects.filter(school=school).first()
    services.officer_save(school, actor=staff, officer=entry, position="รองผู้อำนวยการ")

    again = seed_demo_district(today=TODAY)

    assert not again.changed
    school.refresh_from_db()
    assert school.phone == "074-111-222" and not school.is_generated("phone")
    assert DataOfficer.objects.get(pk=entry.pk).position == "รองผู้อำนวยการ"
    assert User.objects.get(username="school1").check_password("my-own-secret-2569")


@pytest.mark.django_db
def test_command_prints_the_logins_and_the_address():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    for username in ("admin", "staff", "ict", "director", "school1", "school2"):
        assert re.search(rf"^{username}\s", text, re.MULTILINE)
    assert DEMO_PASSWORD in text
    assert "ผู้ดูแลระบบ" in text and "โรงเรียนบ้านเขารักเกียรติ" in text
    assert "http://127.0.0.1:8000/" in text

    quiet = io.StringIO()
    call_command("seed_demo", "--quiet", stdout=quiet)
    assert quiet.getvalue() == ""
