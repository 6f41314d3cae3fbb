import datetime

from django.urls import reverse

from reports import statistics
from reports.demo import seed_demo_publications
from reports.models import Publication


def test_demo_publishes_this_years_first_round_and_generated_earlier_years_once(closed_round, client):
    result = seed_demo_publications(today=datetime.date(2026, 11, 25))
    assert result.created[0] == "dmc-2569-1"
    assert sorted(result.created[1:]) == [f"dmc-{y}-{n}" for y in (2566, 2567, 2568) for n in (1, 2)]
    assert Publication.objects.filter(is_generated=False).count() == 0  # the demo says all of it is generated
    assert statistics.current_publication().round == closed_round
    trend = statistics.student_trend()
    assert trend.points[0].label == "2566/1" and len(trend.points) == 7
    assert seed_demo_publications(today=datetime.date(2026, 11, 25)).created == []
    assert Publication.objects.count() == 7
    body = client.get(reverse("reports:statistics-trend")).content.decode()
    assert "ข้อมูลตัวอย่าง (สร้างขึ้น)" in body


def test_public_pages_filter_by_year(client, closed_round, publication):
    seed_demo_publications(today=datetime.date(2026, 11, 25))
    body = client.get(reverse("reports:statistics") + "?year=2567").content.decode()
    assert "กำลังแสดงข้อมูลที่เผยแพร่ก่อนหน้านี้" in body
    assert "ข้อมูล ณ วันที่ 10 พฤศจิกายน 2567" in body
