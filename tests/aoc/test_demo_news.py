from aoc.demo import EXAMPLE_NOTE, seed_demo_news
from aoc.models import AuditLog, NewsItem
from tests.factories import dmc_round


def test_the_demo_posts_the_open_rounds_deadline_once_as_a_pinned_example(district_staff, school_a):
    dmc_round(actor=district_staff, schools=[school_a])

    assert seed_demo_news() == 1
    item = NewsItem.objects.get()
    assert item.category == NewsItem.Category.ANNOUNCEMENT and item.pinned and item.published_at
    assert "30 พฤศจิกายน 2642" in item.body  # the round's deadline, in BE
    assert EXAMPLE_NOTE in item.body
    assert AuditLog.objects.filter(action="aoc.news.created", actor=district_staff).count() == 1

    assert seed_demo_news() == 0
    assert NewsItem.objects.count() == 1


def test_no_examples_without_the_demo_staff_login(db):
    assert seed_demo_news() == 0
    assert not NewsItem.objects.exists()
