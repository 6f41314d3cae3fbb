"""The demo district's news: two items written through the real service by the demo's district staff,
so the home page and /news/ show what an office would post. Each says it is an example. Only when the
portal has no news at all (a real office's items are never joined by examples)."""

from aoc import services, thaidate
from aoc.models import NewsItem, User
from datacollection.selectors import open_rounds
from reports.statistics import current_publication

EXAMPLE_NOTE = "(ข้อมูลตัวอย่างที่สร้างขึ้นเพื่อสาธิตระบบ)"


def seed_demo_news() -> int:
    if NewsItem.objects.exists():
        return 0
    author = User.objects.filter(username="staff", role=User.Role.DISTRICT_STAFF).first()
    if author is None:
        return 0
    created = 0
    round_ = open_rounds().filter(kind="dmc").first()
    if round_ is not None:
        services.news_create(
            actor=author,
            title=f"กำหนดส่งข้อมูลนักเรียนรายบุคคล (DMC) รอบที่ {round_.number} ปีการศึกษา {round_.academic_year}",
            body=(
                f"ขอให้โรงเรียนในสังกัดส่งข้อมูลนักเรียนรายบุคคล ข้อมูล ณ วันที่ "
                f"{thaidate.format_date(round_.as_of, long=True)} ผ่านระบบ ภายในวันที่ "
                f"{thaidate.format_date(round_.deadline, long=True)}\n\n"
                "- ตรวจไฟล์ในระบบก่อนยืนยันส่ง แก้ทุกรายการที่เป็นข้อผิดพลาด\n"
                "- สอบถามได้ที่กลุ่มนโยบายและแผน\n\n"
                f"{EXAMPLE_NOTE}"
            ),
            category=NewsItem.Category.ANNOUNCEMENT,
            pinned=True,
            publish=True,
        )
        created += 1
    publication = current_publication()
    if publication is not None:
        services.news_create(
            actor=author,
            title=f"เผยแพร่สถิติการศึกษา ปีการศึกษา {publication.round.academic_year}",
            body=(
                "สำนักงานเขตพื้นที่เผยแพร่สถิติจากข้อมูลที่โรงเรียนรับรองแล้ว ข้อมูล ณ วันที่ "
                f"{thaidate.format_date(publication.as_of, long=True)} ดูได้ที่หน้าสถิติการศึกษา "
                "และดาวน์โหลดเป็นไฟล์ XLSX/CSV หรือผ่านบริการข้อมูลเปิด (API)\n\n"
                f"{EXAMPLE_NOTE}"
            ),
            category=NewsItem.Category.NEWS,
            publish=True,
        )
        created += 1
    return created
