"""The demo district: the 127 real schools of area 9002 with everything the public list lacks generated.

Only the school list is real (``schools/data/schools_9002.csv``, see ``schools/data/README.md``): codes,
names and levels. Places, contacts, principals, founding dates, enrolment, data officers and the demo
logins are generated, deterministically (each school's values come from ``random.Random`` seeded by its
code), and marked as generated: ``School.generated_fields``, ``EnrolmentFigure.Source.DEMO``,
``DataOfficer.is_generated``.

Seeding is safe to repeat. A second run changes nothing; a value a person has entered since (a field
dropped from ``generated_fields``, an officer entry no longer ``is_generated``, a user's password) is
never overwritten.
"""

import csv
import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from aoc import thaidate
from aoc.audit import audit_log
from aoc.models import User
from aoc.text import normalise_thai
from schools.models import Amphoe, DataOfficer, EnrolmentFigure, Membership, School
from schools.selectors import default_size_scheme, size_choices, size_of

DATA_FILE = Path(__file__).resolve().parent / "data" / "schools_9002.csv"
AREA_CODE = "9002"
DEMO_PASSWORD = "aoc-demo-2569"  # noqa: S105 -- the demo logins' published password
SITE_URL = "http://127.0.0.1:8000/"

LEVELS = {
    "อนุบาล-ประถมศึกษา": School.Level.KINDER_PRIMARY,
    "อนุบาล-มัธยมศึกษาตอนต้น": School.Level.KINDER_LOWER_SECONDARY,
    "ประถมศึกษา": School.Level.PRIMARY,
}

# The School fields this module fills in, in the order EMIS shows them.
GENERATED_FIELDS = (
    "amphoe", "tambon", "address", "postcode", "latitude", "longitude", "phone", "email",
    "principal_name", "founded_on", "quality_network",
)  # fmt: skip
# Fields whose generated value depends on the amphoe: left alone once a person has set the amphoe.
PLACE_FIELDS = ("tambon", "address", "postcode", "latitude", "longitude", "quality_network")


@dataclass(frozen=True)
class AmphoeSpec:
    dopa_code: str
    name_th: str
    first_number: int  # the SMIS running number its block starts at (districts number schools by amphoe)
    centre: tuple[float, float]  # latitude, longitude, approximately
    radius_km: float
    tambons: dict[str, str]  # tambon → postcode
    size_weight: float  # how much larger its schools tend to be


# In SMIS order. The blocks follow the gaps in the running numbers (0035, 0084, 0124) and the places the
# school names point to (เขาพระ, กำแพงเพชร … / คลองแห, ควนลัง, ฉลุง … / ควนโส, บางเหรียง, ห้วยลึก … /
# ท่าช้าง, บางกล่ำ, บ้านหาร … / คลองหอยโข่ง, โคกม่วง …).
AMPHOES = (
    AmphoeSpec(
        "9009", "รัตภูมิ", 1, (7.13, 100.28), 6.0,
        {"กำแพงเพชร": "90180", "ท่าชะมวง": "90180", "คูหาใต้": "90180", "ควนรู": "90180", "เขาพระ": "90180"},
        1.0,
    ),
    AmphoeSpec(
        "9011", "หาดใหญ่", 35, (7.00, 100.47), 8.0,
        {
            "หาดใหญ่": "90110", "ควนลัง": "90110", "คูเต่า": "90110", "คอหงส์": "90110", "คลองแห": "90110",
            "คลองอู่ตะเภา": "90110", "ฉลุง": "90110", "ทุ่งใหญ่": "90110", "ทุ่งตำเสา": "90110",
            "ท่าข้าม": "90110", "น้ำน้อย": "90110", "บ้านพรุ": "90250", "พะตง": "90230",
        },
        1.9,
    ),
    AmphoeSpec(
        "9013", "ควนเนียง", 85, (7.20, 100.37), 5.0,
        {"รัตภูมิ": "90220", "ควนโส": "90220", "ห้วยลึก": "90220", "บางเหรียง": "90220"},
        1.0,
    ),
    AmphoeSpec(
        "9014", "บางกล่ำ", 110, (7.08, 100.42), 4.0,
        {"บางกล่ำ": "90110", "ท่าช้าง": "90110", "แม่ทอม": "90110", "บ้านหาร": "90110"},
        1.1,
    ),
    AmphoeSpec(
        "9016", "คลองหอยโข่ง", 125, (6.91, 100.36), 5.0,
        {"คลองหอยโข่ง": "90230", "ทุ่งลาน": "90230", "โคกม่วง": "90230", "คลองหลา": "90115"},
        1.0,
    ),
)  # fmt: skip
ROADS = {"หาดใหญ่": ("เพชรเกษม", "กาญจนวนิช", "ลพบุรีราเมศวร์", "สนามบิน"), "รัตภูมิ": ("เพชรเกษม",)}
SCHOOLS_PER_NETWORK = 12

# Names for generated people. The district has a large Muslim population: about a third of the names
# come from the second lists.
MALE_FIRST = (
    "สมชาย", "ประเสริฐ", "วิโรจน์", "สุรชัย", "อนันต์", "ธีรพงษ์", "ชาญวิทย์", "ณัฐพล", "สุทธิพงศ์", "ไพโรจน์",
    "กิตติศักดิ์", "วีระพงษ์", "สมศักดิ์", "จักรพันธ์", "ปริญญา", "เอกชัย", "ศุภชัย", "ธนวัฒน์",
)  # fmt: skip
FEMALE_FIRST = (
    "สุภาพร", "วันดี", "กาญจนา", "อรวรรณ", "ศิริพร", "นงลักษณ์", "จันทร์เพ็ญ", "พรทิพย์", "สุนันทา", "รัตนา",
    "ปิยะนุช", "วิไลวรรณ", "อัมพร", "ดวงใจ", "เยาวลักษณ์", "จิราพร", "ชุติมา", "ณัฐธิดา",
)  # fmt: skip
LAST = (
    "ทองสุข", "แก้วมณี", "ศรีสุวรรณ", "ชูช่วย", "เพชรรัตน์", "ขุนทอง", "จันทร์แก้ว", "หนูแก้ว", "สุวรรณรัตน์",
    "แก้วประดิษฐ์", "ชูแก้ว", "ศรีทอง", "หมื่นศรี", "นวลศรี", "เอียดแก้ว", "ด้วงนุ้ย", "ทองนวล", "รัตนพันธ์",
    "เพ็งแก้ว", "บัวขาว", "ชูเมือง", "คงแก้ว", "พรหมทอง", "ขวัญแก้ว", "สงวนทรัพย์", "เรืองศรี",
)  # fmt: skip
MUSLIM_MALE_FIRST = (
    "อับดุลเลาะ", "มะหมัด", "สุไลมาน", "อิสมาแอ", "ฮาซัน", "อาหมัด", "รอมลี", "ซาการียา", "อับดุลรอหมาน",
    "ยูซุฟ", "อิบรอฮีม", "มูฮำหมัด",
)  # fmt: skip
MUSLIM_FEMALE_FIRST = (
    "ฟาตีมะห์", "ซูไรดา", "นูรียะห์", "รอฮานี", "อามีเนาะ", "ซารีฟะห์", "ฮาลีเมาะ", "มารียัม", "ยามีละห์",
    "ซัลมา", "ไซนับ", "อาอีชะห์",
)  # fmt: skip
MUSLIM_LAST = (
    "หมัดหมาน", "เส็นสมาน", "ดอเลาะ", "หลีเส็น", "สาและ", "หมัดอาหลี", "เจ๊ะหมัด", "ยีหมะ", "หวังหลี",
    "หมีนหวัง", "ดาโอ๊ะ", "หมัดสะอิ", "ละใบแด", "หมัดเหรียม", "สันหมาน", "โต๊ะเหม",
)  # fmt: skip
OFFICER_PLAN_FIELDS = (
    "full_name", "position", "phone", "email", "line_id", "handles_dmc", "handles_emis", "handles_bobec",
    "since", "user_id",
)  # fmt: skip
OFFICER_POSITIONS = ("ครู", "ครู", "ครู", "ครูผู้ช่วย", "ธุรการโรงเรียน", "ธุรการโรงเรียน", "พนักงานราชการ")
LINE_PREFIXES = ("kru", "teacher", "data", "emis", "dmc", "admin")


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    title: str
    first_name: str
    last_name: str
    phone: str
    school_smis: str = ""  # school officers: the school they look after


DEMO_USERS = (
    DemoUser("admin", User.Role.ADMIN, "นาย", "ธนากร", "ศรีสุวรรณ", "081-100-0001"),
    DemoUser("staff", User.Role.DISTRICT_STAFF, "นาง", "วิไลวรรณ", "ทองนวล", "081-100-0002"),
    DemoUser("ict", User.Role.ICT_STAFF, "นาย", "อับดุลเลาะ", "หมัดหมาน", "081-100-0003"),
    DemoUser("director", User.Role.DIRECTOR, "นาย", "ประเสริฐ", "ชูช่วย", "081-100-0004"),
    DemoUser("school1", User.Role.SCHOOL_OFFICER, "นางสาว", "ฟาตีมะห์", "เส็นสมาน", "081-100-0011", "90020001"),
    DemoUser("school2", User.Role.SCHOOL_OFFICER, "นาง", "สุภาพร", "แก้วมณี", "081-100-0012", "90020002"),
)


class DemoSeedError(Exception):
    """The database holds something the demo district cannot be loaded over."""


@dataclass(frozen=True)
class Login:
    username: str
    role: str  # the role's Thai label
    password: str | None  # None: the account existed and keeps its password
    school: str = ""


@dataclass
class SeedResult:
    schools_created: int = 0
    schools_updated: int = 0
    enrolment_created: int = 0
    enrolment_updated: int = 0
    officers_created: int = 0
    officers_updated: int = 0
    users_created: int = 0
    memberships_created: int = 0
    schools: int = 0
    officers: int = 0
    as_of: datetime.date | None = None
    total_students: int = 0
    sizes: dict[str, int] = field(default_factory=dict)  # size label → number of schools
    logins: list[Login] = field(default_factory=list)

    COUNTS = (
        "schools_created", "schools_updated", "enrolment_created", "enrolment_updated", "officers_created",
        "officers_updated", "users_created", "memberships_created",
    )  # fmt: skip

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.COUNTS}

    @property
    def changed(self) -> bool:
        return any(self.counts().values())


# --- The real list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolRow:
    code: str
    smis_code: str
    name_th: str
    level: str

    @property
    def number(self) -> int:
        """The SMIS running number."""
        return int(self.smis_code[4:])


def read_school_list(path: Path = DATA_FILE) -> list[SchoolRow]:
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            if record["area_code"] != AREA_CODE:
                continue
            if record["levels"] not in LEVELS:
                raise DemoSeedError(f"{path.name} line {line}: unknown level {record['levels']!r}")
            rows.append(
                SchoolRow(
                    code=record["school_id_10"].strip(),
                    smis_code=record["smis_8"].strip(),
                    name_th=normalise_thai(record["name"]),
                    level=LEVELS[record["levels"]],
                )
            )
    return sorted(rows, key=lambda row: row.smis_code)


# --- Generated values ------------------------------------------------------------------------------


def _rng(code: str, aspect: str) -> random.Random:
    """One generator per school and aspect, so that changing one aspect leaves the others as they were."""
    return random.Random(f"{code}:{aspect}")


def amphoe_spec_for(row: SchoolRow) -> AmphoeSpec:
    return [spec for spec in AMPHOES if spec.first_number <= row.number][-1]


def person_name(rng: random.Random, *, muslim_share: float = 0.35) -> tuple[str, str, str]:
    """(title, first name, last name) of a plausible adult of the district."""
    muslim = rng.random() < muslim_share
    female = rng.random() < 0.6  # most teachers are women
    if female:
        title = rng.choice(("นาง", "นางสาว"))
        first = rng.choice(MUSLIM_FEMALE_FIRST if muslim else FEMALE_FIRST)
    else:
        title = "นาย"
        first = rng.choice(MUSLIM_MALE_FIRST if muslim else MALE_FIRST)
    return title, first, rng.choice(MUSLIM_LAST if muslim else LAST)


def full_name(title: str, first: str, last: str) -> str:
    return f"{title}{first} {last}"


def _point_near(rng: random.Random, centre: tuple[float, float], radius_km: float) -> tuple[Decimal, Decimal]:
    """A point spread evenly over a disc around ``centre``, inside the province's bounds."""
    distance = radius_km * math.sqrt(rng.random())
    angle = rng.uniform(0, 2 * math.pi)
    latitude = centre[0] + distance * math.cos(angle) / 110.6
    longitude = centre[1] + distance * math.sin(angle) / (111.3 * math.cos(math.radians(centre[0])))
    south, west, north, east = settings.PROVINCE_BOUNDS
    latitude = min(max(latitude, south), north)
    longitude = min(max(longitude, west), east)
    return Decimal(f"{latitude:.6f}"), Decimal(f"{longitude:.6f}")


def _tambon_for(row: SchoolRow, spec: AmphoeSpec, rng: random.Random) -> str:
    """The tambon the school's name points to (บ้านเขาพระ → เขาพระ), else one of the amphoe's."""
    for tambon in sorted(spec.tambons, key=len, reverse=True):
        if tambon in row.name_th:
            return tambon
    return rng.choice(sorted(spec.tambons))


def school_values(row: SchoolRow, spec: AmphoeSpec, amphoe: Amphoe, network: int) -> dict:
    """The generated fields of one school (``GENERATED_FIELDS``)."""
    code = row.code
    tambon = _tambon_for(row, spec, _rng(code, "tambon"))
    place = _rng(code, "address")
    address = f"{place.randint(1, 199)} หมู่ที่ {place.randint(1, 12)}"
    roads = ROADS.get(spec.name_th, ())
    if roads and place.random() < 0.25:
        address += f" ถนน{place.choice(roads)}"
    latitude, longitude = _point_near(_rng(code, "location"), spec.centre, spec.radius_km)
    contact = _rng(code, "phone")
    founded = _rng(code, "founded")
    founded_on = datetime.date(thaidate.ce_year(founded.randint(2460, 2530)), 1, 1) + datetime.timedelta(
        days=founded.randint(0, 364)
    )
    return {
        "amphoe": amphoe,
        "tambon": tambon,
        "address": address,
        "postcode": spec.tambons[tambon],
        "latitude": latitude,
        "longitude": longitude,
        "phone": f"074-{contact.randint(200, 899):03d}-{contact.randint(0, 999):03d}",
        "email": f"school{code[-6:]}@example.org",
        "principal_name": full_name(*person_name(_rng(code, "principal"))),
        "founded_on": founded_on,
        "quality_network": f"เครือข่ายพัฒนาคุณภาพการศึกษา{spec.name_th} {network}",
    }


def networks(rows: list[SchoolRow]) -> dict[str, int]:
    """Each school's quality network number: an amphoe's schools in SMIS order, in groups of about 12."""
    result = {}
    for spec in AMPHOES:
        members = [row for row in rows if amphoe_spec_for(row) is spec]
        count = max(1, math.ceil(len(members) / SCHOOLS_PER_NETWORK))
        for index, row in enumerate(members):
            result[row.code] = index * count // len(members) + 1
    return result


LEVEL_SIZE_WEIGHT = {
    School.Level.KINDER_LOWER_SECONDARY: 1.6,
    School.Level.KINDER_PRIMARY: 1.0,
    School.Level.PRIMARY: 0.7,
}


def plan_students(rows: list[SchoolRow]) -> dict[str, int]:
    """Students per school, as a primary district of this kind looks: about 57% small schools (≤ 120),
    most of the rest medium, a few large ones and one extra-large one (mostly in Hat Yai), and one school
    left with no students at all. The district total lands between 20,000 and 35,000."""
    scores = {}
    for row in rows:
        weight = amphoe_spec_for(row).size_weight * LEVEL_SIZE_WEIGHT[row.level]
        if row.name_th.startswith("ชุมชน"):
            weight *= 1.3
        scores[row.code] = _rng(row.code, "size").random() * weight
    ranked = sorted(rows, key=lambda row: (-scores[row.code], row.code))
    # The empty school: the least of the rural ones teaching up to ป.6 only (an extended school that has
    # emptied would have been merged long ago).
    empty = next(
        row
        for row in reversed(ranked)
        if row.level != School.Level.KINDER_LOWER_SECONDARY and amphoe_spec_for(row).size_weight <= 1.0
    )
    ranked.remove(empty)
    total = len(rows)
    large = max(1, round(total * 0.05))
    small = round(total * 0.57)
    medium = total - 1 - large - small - 1
    bands = ["extra-large"] + ["large"] * large + ["medium"] * medium + ["small"] * small
    result = {
        row.code: _students_in(band, _rng(row.code, "students"))
        for row, band in zip(ranked, bands, strict=True)
    }
    result[empty.code] = 0
    return result


def _students_in(band: str, rng: random.Random) -> int:
    if band == "extra-large":
        return rng.randint(1550, 2300)
    if band == "large":
        return rng.randint(620, 1400)
    if band == "medium":
        return int(rng.triangular(125, 600, 200))
    return int(rng.triangular(15, 120, 80))  # small


def officer_plans(row: SchoolRow, user_for_school: dict[str, tuple[DemoUser, User]]) -> list[dict]:
    """One or two data officers of a school. The demo officer login of a school is its first officer."""
    rng = _rng(row.code, "officers")
    count = 2 if rng.random() < 0.45 else 1
    plans = []
    for index in range(count):
        title, first, last = person_name(rng)
        plan = {
            "full_name": full_name(title, first, last),
            "position": rng.choice(OFFICER_POSITIONS),
            "phone": f"08{rng.randint(0, 9)}-{rng.randint(0, 999):03d}-{rng.randint(0, 9999):04d}",
            "email": f"officer{index + 1}.{row.code[-6:]}@example.org",
            "line_id": f"{rng.choice(LINE_PREFIXES)}{rng.randint(100, 9999)}",
            "handles_dmc": index == 0 or rng.random() < 0.3,
            "handles_emis": index == 0 or rng.random() < 0.5,
            "handles_bobec": count == 1 or index == 1 or rng.random() < 0.2,
            "since": datetime.date(rng.randint(2016, 2025), rng.choice((5, 6)), rng.randint(1, 28)),
            "user": None,
        }
        plans.append(plan)
    if row.smis_code in user_for_school:
        spec, user = user_for_school[row.smis_code]
        plans[0].update(
            full_name=full_name(spec.title, spec.first_name, spec.last_name),
            phone=spec.phone,
            email=f"{spec.username}@example.org",
            handles_dmc=True,
            handles_emis=True,
            user=user,
        )
    return plans


# --- Writing ---------------------------------------------------------------------------------------


def _differs(current, new) -> bool:
    if isinstance(current, Decimal) or isinstance(new, Decimal):
        return current is None or new is None or Decimal(current) != Decimal(new)
    return current != new


def _seed_schools(rows, result: SeedResult) -> dict[str, School]:
    amphoes = {a.dopa_code: a for a in Amphoe.objects.filter(dopa_code__in=[s.dopa_code for s in AMPHOES])}
    missing = sorted({s.dopa_code for s in AMPHOES} - set(amphoes))
    if missing:
        raise DemoSeedError(f"Amphoes missing from the reference data: {', '.join(missing)} (run migrate)")
    codes = [row.code for row in rows]
    clash = School.objects.filter(smis_code__in=[row.smis_code for row in rows]).exclude(code__in=codes)
    if clash.exists():
        raise DemoSeedError(
            "SMIS codes of the demo district are used by other schools: "
            + ", ".join(f"{s.smis_code} ({s.code})" for s in clash)
        )
    existing = {school.code: school for school in School.objects.filter(code__in=codes)}
    network_of = networks(rows)
    new = []
    now = timezone.now()
    for row in rows:
        spec = amphoe_spec_for(row)
        values = school_values(row, spec, amphoes[spec.dopa_code], network_of[row.code])
        school = existing.get(row.code)
        if school is None:
            new.append(
                School(
                    code=row.code,
                    smis_code=row.smis_code,
                    area_code=AREA_CODE,
                    name_th=row.name_th,
                    level=row.level,
                    generated_fields=list(GENERATED_FIELDS),
                    **values,
                )
            )
            continue
        # Refresh only what is still generated; what a person entered stays.
        still_generated = set(school.generated_fields)
        if "amphoe" not in still_generated:
            still_generated -= set(PLACE_FIELDS)
        changed = []
        for name in GENERATED_FIELDS:
            if name not in still_generated:
                continue
            attname = School._meta.get_field(name).attname
            new_value = values[name].pk if name == "amphoe" else values[name]
            if _differs(getattr(school, attname), new_value):
                setattr(school, attname, new_value)
                changed.append(attname)
        if changed:
            school.updated_at = now
            school.save(update_fields=[*changed, "updated_at"])
            result.schools_updated += 1
    if new:
        School.objects.bulk_create(new)
        result.schools_created = len(new)
    return {school.smis_code: school for school in School.objects.filter(code__in=codes)}


def _seed_enrolment(rows, schools: dict[str, School], as_of: datetime.date, result: SeedResult) -> dict:
    planned = plan_students(rows)
    by_school = {school.pk: planned[school.code] for school in schools.values()}
    existing = {
        figure.school_id: figure
        for figure in EnrolmentFigure.objects.filter(
            school__in=list(schools.values()), as_of=as_of, source=EnrolmentFigure.Source.DEMO
        )
    }
    new, changed = [], []
    for school_id, students in by_school.items():
        figure = existing.get(school_id)
        if figure is None:
            new.append(
                EnrolmentFigure(
                    school_id=school_id, as_of=as_of, students=students, source=EnrolmentFigure.Source.DEMO
                )
            )
        elif figure.students != students:
            figure.students = students
            changed.append(figure)
    EnrolmentFigure.objects.bulk_create(new)
    EnrolmentFigure.objects.bulk_update(changed, ["students"])
    result.enrolment_created, result.enrolment_updated = len(new), len(changed)
    return planned


def _seed_users(schools: dict[str, School], result: SeedResult) -> dict[str, tuple[DemoUser, User]]:
    existing = {
        user.username: user for user in User.objects.filter(username__in=[s.username for s in DEMO_USERS])
    }
    hashed = None
    user_for_school = {}
    for spec in DEMO_USERS:
        user = existing.get(spec.username)
        created = user is None
        if created:
            user = User(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=f"{spec.username}@example.org",
                phone=spec.phone,
                role=spec.role,
                is_staff=spec.role == User.Role.ADMIN,
                is_superuser=spec.role == User.Role.ADMIN,
            )
            password_validation.validate_password(DEMO_PASSWORD, user)
            hashed = hashed or make_password(DEMO_PASSWORD)  # one hash for all: hashing is slow on purpose
            user.password = hashed
            user.save()
            result.users_created += 1
        school = schools.get(spec.school_smis) if spec.school_smis else None
        if school is not None and user.role == User.Role.SCHOOL_OFFICER:
            _, added = Membership.objects.get_or_create(user=user, school=school)
            result.memberships_created += int(added)
            user_for_school[spec.school_smis] = (spec, user)
        result.logins.append(
            Login(
                username=user.username,
                role=str(user.get_role_display()),
                password=DEMO_PASSWORD if created else None,
                school=str(school) if school is not None else "",
            )
        )
    return user_for_school


def _seed_officers(rows, schools: dict[str, School], user_for_school, result: SeedResult) -> None:
    existing: dict[int, list[DataOfficer]] = {}
    for officer in DataOfficer.objects.filter(school__in=list(schools.values())):
        existing.setdefault(officer.school_id, []).append(officer)
    new, now = [], timezone.now()
    for row in rows:
        school = schools[row.smis_code]
        entries = existing.get(school.pk, [])
        by_name = {entry.full_name: entry for entry in entries}
        entered_by_people = any(not entry.is_generated for entry in entries)
        for plan in officer_plans(row, user_for_school):
            user = plan.pop("user")
            plan["user_id"] = user.pk if user is not None else None
            entry = by_name.get(plan["full_name"])
            if entry is None:
                if not entered_by_people:  # the school keeps its own register; add no demo people to it
                    new.append(DataOfficer(school=school, is_generated=True, **plan))
                continue
            if not entry.is_generated:
                continue
            changed = [name for name in OFFICER_PLAN_FIELDS if getattr(entry, name) != plan[name]]
            if changed:
                for name in changed:
                    setattr(entry, name, plan[name])
                entry.updated_at = now
                entry.save(update_fields=[*changed, "updated_at"])
                result.officers_updated += 1
    DataOfficer.objects.bulk_create(new)
    result.officers_created = len(new)


@transaction.atomic
def seed_demo_district(*, today: datetime.date | None = None) -> SeedResult:
    """Load the demo district (schools, enrolment as of 10 June of the current academic year, data
    officers, one login per role). Repeatable; writes one audit entry when it changed anything."""
    today = today or timezone.localdate()
    as_of = datetime.date(thaidate.ce_year(thaidate.academic_year(today)), 6, 10)
    rows = read_school_list()
    result = SeedResult(as_of=as_of)

    schools = _seed_schools(rows, result)
    planned = _seed_enrolment(rows, schools, as_of, result)
    user_for_school = _seed_users(schools, result)
    _seed_officers(rows, schools, user_for_school, result)

    result.schools = len(schools)
    result.officers = DataOfficer.objects.filter(school__in=list(schools.values())).count()
    result.total_students = sum(planned.values())
    scheme = default_size_scheme()
    bands = list(scheme.bands.all()) if scheme else []
    labels = [size_of(students, bands).label for students in planned.values()]
    for _code, label in size_choices(scheme):
        if labels.count(label):
            result.sizes[label] = labels.count(label)

    if result.changed:
        audit_log(
            None,
            "schools.demo.seeded",
            None,
            {
                **result.counts(),
                "schools": result.schools,
                "as_of": as_of,
                "total_students": result.total_students,
            },
        )
    return result
