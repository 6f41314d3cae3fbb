import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aoc import thaidate
from aoc.demo import seed_demo_news
from aoc.public_cache import public_pages_changed
from datacollection.demo import seed_demo_rounds
from reports.demo import seed_demo_publications
from schools.demo import DEMO_PASSWORD, SITE_URL, DemoSeedError, seed_demo_district
from schools.models import Membership


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Thai vowel and tone marks sit on their base letter."""
    return sum(1 for char in text if unicodedata.category(char) not in ("Mn", "Me", "Cf"))


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)).rstrip()
        for row in rows
    ]


class Command(BaseCommand):
    help = (
        "Load the demo district: the 127 real schools of สพป.สงขลา เขต 2 with generated places, enrolment "
        "and data officers, one demo login per role, and this academic year's DMC rounds with generated "
        "student files. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print nothing (errors still go to stderr).")

    def handle(self, *args, quiet=False, verbosity=1, **options):
        try:
            result = seed_demo_district()
        except DemoSeedError as exc:
            raise CommandError(str(exc)) from exc
        officers = {m.school_id: m.user for m in Membership.objects.select_related("user").order_by("-id")}
        # The demo's workflow sends notices in the portal; e-mails to its invented addresses would only
        # fill the console.
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        rounds = seed_demo_rounds(officers_by_school=officers)
        publications = seed_demo_publications()
        news = seed_demo_news()
        public_pages_changed()  # cached public pages may show the district as it was before
        if quiet or verbosity == 0:
            return

        write = self.stdout.write
        if result.changed:
            write(self.style.SUCCESS("โหลดข้อมูลเขตพื้นที่สาธิตแล้ว"))
        else:
            write("ข้อมูลเขตพื้นที่สาธิตครบอยู่แล้ว ไม่มีการเปลี่ยนแปลง")
        write(
            f"โรงเรียน {result.schools} แห่ง "
            f"(สร้างใหม่ {result.schools_created}, ปรับปรุง {result.schools_updated}); "
            f"เจ้าหน้าที่ข้อมูลโรงเรียน {result.officers} คน (สร้างใหม่ {result.officers_created}); "
            f"บัญชีผู้ใช้สร้างใหม่ {result.users_created}"
        )
        sizes = ", ".join(f"{label} {count}" for label, count in result.sizes.items())
        write(
            f"นักเรียนรวม {result.total_students:,} คน ณ {thaidate.format_date(result.as_of)} "
            f"(ข้อมูลสร้างขึ้นเพื่อสาธิต): {sizes}"
        )
        if rounds.created:
            write(
                f"รอบการเก็บข้อมูลที่สร้าง: {', '.join(rounds.created)} "
                f"(ข้อมูลนักเรียนรายบุคคลที่สร้างขึ้น {rounds.students:,} ระเบียน)"
            )
        if publications.created:
            write(f"เผยแพร่สถิติแล้ว: {', '.join(publications.created)} (รอบย้อนหลังเป็นข้อมูลที่สร้างขึ้น)")
        if news:
            write(f"ข่าวและประกาศตัวอย่าง: {news} รายการ")
        write("")
        rows = [["ชื่อผู้ใช้", "บทบาท", "รหัสผ่าน", "โรงเรียน"]]
        for login in result.logins:
            rows.append([login.username, login.role, login.password or "(รหัสผ่านเดิม)", login.school])
        lines = _table(rows)
        write(lines[0])
        write("-" * max(_width(line) for line in lines))
        for line in lines[1:]:
            write(line)
        if any(login.password is None for login in result.logins):
            write(f"บัญชีที่มีอยู่ก่อนแล้วไม่ถูกเปลี่ยนรหัสผ่าน (รหัสผ่านตั้งต้นของบัญชีสาธิต: {DEMO_PASSWORD})")
        write("")
        write(f"เปิดเว็บไซต์: {SITE_URL}  (python manage.py runserver)")
