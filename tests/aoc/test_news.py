"""News and announcements: who may write them, what the public sees, the audit trail, and the cached
public pages dropped when a published item changes."""

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aoc import markup, services
from aoc.models import AuditLog, NewsItem

ROLES = ("admin", "district_staff", "ict_staff", "director", "officer_a")
WRITERS = {"admin", "district_staff"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def _item(actor, publish=True, **fields):
    values = {"title": "ประชุมผู้บริหารสถานศึกษา", "body": "วันจันทร์ที่ 1", "category": "news"} | fields
    return services.news_create(actor=actor, publish=publish, **values)


@pytest.mark.django_db
def test_staff_pages_are_for_district_staff_and_administrators(client_for, personas, district_staff):
    item = _item(district_staff)
    for url in (
        reverse("staff-news-list"),
        reverse("staff-news-create"),
        reverse("staff-news-edit", args=[item.pk]),
    ):
        response = client_for(None).get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        for role in ROLES:
            expected = 200 if role in WRITERS else 403
            assert client_for(personas[role]).get(url).status_code == expected, (role, url)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["staff-news-publish", "staff-news-unpublish"])
def test_publishing_is_post_only_and_refused_to_other_roles(client_for, personas, district_staff, name):
    item = _item(district_staff)
    url = reverse(name, args=[item.pk])
    assert client_for(district_staff).get(url).status_code == 405
    for role in ("ict_staff", "director", "officer_a"):
        assert client_for(personas[role]).post(url).status_code == 403
    assert client_for(None).post(url).status_code == 302


@pytest.mark.django_db
def test_staff_write_a_draft_then_publish_and_unpublish_it_with_audit_rows(client_for, district_staff):
    client = client_for(district_staff)
    response = client.post(
        reverse("staff-news-create"),
        {"title": "ประกาศปิดสำนักงาน", "body": "ปิด 1 วัน", "category": "announcement", "action": "draft"},
    )
    assert response.status_code == 302
    item = NewsItem.objects.get(title="ประกาศปิดสำนักงาน")
    assert item.published_at is None and item.author == district_staff
    public = client_for(None)
    assert public.get(reverse("news-detail", args=[item.pk])).status_code == 404

    client = client_for(district_staff)
    client.post(reverse("staff-news-publish", args=[item.pk]))
    item.refresh_from_db()
    assert item.is_published
    public = client_for(None)
    assert public.get(reverse("news-detail", args=[item.pk])).status_code == 200

    client = client_for(district_staff)
    client.post(reverse("staff-news-unpublish", args=[item.pk]))
    item.refresh_from_db()
    assert not item.is_published
    actions = list(
        AuditLog.objects.filter(target_id=str(item.pk)).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["aoc.news.created", "aoc.news.published", "aoc.news.unpublished"]
    assert AuditLog.objects.filter(action="aoc.news.published").get().actor == district_staff


@pytest.mark.django_db
def test_an_edit_is_audited_with_its_changes(client_for, district_staff):
    item = _item(district_staff)
    client_for(district_staff).post(
        reverse("staff-news-edit", args=[item.pk]),
        {"title": "ประชุมผู้บริหาร (เลื่อน)", "body": item.body, "category": "news"},
    )
    entry = AuditLog.objects.get(action="aoc.news.updated")
    assert entry.data["changes"]["title"] == ["ประชุมผู้บริหารสถานศึกษา", "ประชุมผู้บริหาร (เลื่อน)"]


@pytest.mark.django_db
def test_other_roles_cannot_write_through_the_service(personas):
    for role in ("ict_staff", "director", "officer_a"):
        with pytest.raises(PermissionDenied):
            _item(personas[role])


@pytest.mark.django_db
def test_public_list_shows_published_items_pinned_first_with_be_dates(client, district_staff):
    _item(district_staff, title="ข่าวเก่า")
    _item(district_staff, title="ประกาศสำคัญ", category="announcement", pinned=True)
    _item(district_staff, title="ร่างที่ยังไม่เผยแพร่", publish=False)
    response = client.get(reverse("news-list"))
    titles = [item.title for item in response.context["page"].object_list]
    assert titles == ["ประกาศสำคัญ", "ข่าวเก่า"]
    body = response.content.decode()
    assert "ร่างที่ยังไม่เผยแพร่" not in body
    assert "256" in body  # a Buddhist-era year
    announcements = client.get(reverse("news-list") + "?category=announcement")
    assert [i.title for i in announcements.context["page"].object_list] == ["ประกาศสำคัญ"]


@pytest.mark.django_db
def test_the_home_page_shows_the_latest_news_and_forgets_it_when_taken_down(
    client, district_staff, django_capture_on_commit_callbacks
):
    item = _item(district_staff, title="เปิดรับสมัครครูผู้ช่วย")
    assert "เปิดรับสมัครครูผู้ช่วย" in client.get(reverse("home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.news_unpublish(item, actor=district_staff)
    assert "เปิดรับสมัครครูผู้ช่วย" not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db(transaction=True)
def test_cached_pages_are_dropped_once_a_news_change_is_committed(client, district_staff):
    """With real commits (on_commit runs): the home page is served from the cache until news changes."""
    first = client.get(reverse("home")).content
    _item(district_staff, title="ข่าวใหม่ล่าสุด", publish=False)
    assert client.get(reverse("home")).content == first  # a draft changes nothing public
    item = NewsItem.objects.get(title="ข่าวใหม่ล่าสุด")
    services.news_publish(item, actor=district_staff)
    assert "ข่าวใหม่ล่าสุด" in client.get(reverse("home")).content.decode()
    services.news_update(item, actor=district_staff, title="ข่าวใหม่ (แก้ไข)")
    assert "ข่าวใหม่ (แก้ไข)" in client.get(reverse("news-list")).content.decode()


@pytest.mark.django_db
def test_attachments_are_kept_and_move_when_unpublished(
    client, district_staff, django_capture_on_commit_callbacks
):
    item = _item(district_staff, attachment=SimpleUploadedFile("คำสั่ง.pdf", b"%PDF-1.4 x"))
    old_name = item.attachment.name
    assert old_name.startswith("news/") and old_name.endswith(".pdf")
    assert item.attachment_name == "คำสั่ง.pdf"
    assert item.attachment.url in client.get(reverse("news-detail", args=[item.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.news_unpublish(item, actor=district_staff)
    item.refresh_from_db()
    assert item.attachment.name != old_name
    assert item.attachment.name.rsplit("/", 1)[-1] == old_name.rsplit("/", 1)[-1]
    assert not item.attachment.storage.exists(old_name)


@pytest.mark.django_db
def test_an_attachment_of_a_wrong_kind_is_refused(client_for, district_staff):
    response = client_for(district_staff).post(
        reverse("staff-news-create"),
        {
            "title": "x",
            "body": "y",
            "category": "news",
            "action": "publish",
            "attachment": SimpleUploadedFile("run.exe", b"MZ"),
        },
    )
    assert response.status_code == 200
    assert "attachment" in response.context["form"].errors
    assert not NewsItem.objects.exists()


def test_news_text_is_never_taken_as_html():
    html = markup.render(
        "<script>alert(1)</script>\n\n**สำคัญ** ดู https://example.org/a?b=1&c=2\n\n- หนึ่ง\n- สอง"
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<strong>สำคัญ</strong>" in html
    assert 'href="https://example.org/a?b=1&amp;c=2"' in html
    assert 'rel="nofollow noopener"' in html
    assert "<ul><li>หนึ่ง</li><li>สอง</li></ul>" in html
    assert markup.render('<img src=x onerror="alert(1)">').count("<img") == 0
    assert markup.render("[x](javascript:alert(1))").count("href") == 0


def test_plain_text_drops_marks_and_shortens():
    assert markup.plain("## หัวข้อ\n- **หนึ่ง**", 100) == "หัวข้อ หนึ่ง"
    assert markup.plain("ก" * 50, 10) == "ก" * 9 + "…"
