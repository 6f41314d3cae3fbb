"""The anonymous satisfaction survey: validation, the honeypot, the rate limit, nothing kept about who
answered, and the results for district staff."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from aoc import services
from aoc.models import AuditLog, Feedback

ANSWER = {"ease": "5", "usefulness": "4", "accuracy": "3", "speed": "5", "overall": "4", "comment": "ดีมาก"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.mark.django_db
def test_an_anonymous_visitor_sends_an_answer_and_nothing_says_who_they_are(client, settings):
    response = client.post(reverse("feedback"), ANSWER | {"page": "/schools/"}, REMOTE_ADDR="203.0.113.77")
    assert response.status_code == 200
    assert "ขอบคุณ" in response.content.decode()
    answer = Feedback.objects.get()
    assert (answer.ease, answer.usefulness, answer.accuracy, answer.speed, answer.overall) == (5, 4, 3, 5, 4)
    assert answer.page == "/schools/"
    # No address, no hash of it, no account and no audit row (which would keep the address).
    stored = " ".join(str(getattr(answer, field.attname)) for field in Feedback._meta.concrete_fields)
    assert "203.0.113.77" not in stored
    assert services.feedback_client_key("203.0.113.77") not in stored
    assert not AuditLog.objects.exists()
    assert {field.name for field in Feedback._meta.get_fields()} == {
        "id", "ease", "usefulness", "accuracy", "speed", "overall", "comment", "page", "created_at",
    }  # fmt: skip


@pytest.mark.django_db
def test_the_rate_limit_counts_per_client_and_says_so_in_thai(client, settings):
    settings.FEEDBACK_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(reverse("feedback"), ANSWER, REMOTE_ADDR="198.51.100.1").status_code == 200
    refused = client.post(reverse("feedback"), ANSWER, REMOTE_ADDR="198.51.100.1")
    assert refused.status_code == 429
    assert "ส่งแบบประเมินหลายครั้งเกินไป" in refused.content.decode()
    assert client.post(reverse("feedback"), ANSWER, REMOTE_ADDR="198.51.100.2").status_code == 200
    assert Feedback.objects.count() == 3


@pytest.mark.django_db
def test_behind_the_proxy_each_visitor_has_their_own_rate_limit(client, settings):
    """In production the proxy's address is REMOTE_ADDR for everyone; the visitor's own address comes in
    the header the deployment names (AXES_IP_HEADERS, as for login lock-outs)."""
    settings.FEEDBACK_RATE_LIMIT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_REAL_IP", "REMOTE_ADDR"]
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    assert client.post(reverse("feedback"), ANSWER, HTTP_X_REAL_IP="198.51.100.7", **proxy).status_code == 200
    assert client.post(reverse("feedback"), ANSWER, HTTP_X_REAL_IP="198.51.100.8", **proxy).status_code == 200
    assert client.post(reverse("feedback"), ANSWER, HTTP_X_REAL_IP="198.51.100.7", **proxy).status_code == 429


@pytest.mark.django_db
def test_a_filled_honeypot_is_thanked_and_nothing_is_kept(client):
    response = client.post(reverse("feedback"), ANSWER | {"website": "http://spam.example"})
    assert response.status_code == 200
    assert "ขอบคุณ" in response.content.decode()
    assert not Feedback.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change", [{"ease": "6"}, {"overall": "0"}, {"speed": ""}, {"usefulness": "x"}, {"comment": "ก" * 2001}]
)
def test_ratings_must_be_1_to_5_and_comments_short(client, change):
    response = client.post(reverse("feedback"), ANSWER | change)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Feedback.objects.exists()


@pytest.mark.django_db
def test_a_page_elsewhere_is_not_kept(client):
    client.post(reverse("feedback"), ANSWER | {"page": "https://evil.example/"})
    assert Feedback.objects.get().page == ""


@pytest.mark.django_db
def test_the_form_page_is_not_cached_and_remembers_which_page_it_is_about(client):
    response = client.get(reverse("feedback") + "?about=/map/")
    assert response.status_code == 200
    assert 'value="/map/"' in response.content.decode()
    assert "csrftoken" in response.cookies


@pytest.mark.django_db
def test_results_are_for_district_staff_administrators_and_the_director(client_for, personas):
    url = reverse("feedback-results")
    response = client_for(None).get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    expected = {"admin": 200, "district_staff": 200, "director": 200, "ict_staff": 403, "officer_a": 403}
    for role, status in expected.items():
        assert client_for(personas[role]).get(url).status_code == status, role
        assert client_for(personas[role]).get(reverse("feedback-export")).status_code == status, role


def _answer(**scores):
    values = {"ease": 5, "usefulness": 5, "accuracy": 5, "speed": 5, "overall": 5} | scores
    return services.feedback_submit(client_key=services.feedback_client_key(str(scores)), **values)


@pytest.mark.django_db
def test_results_show_averages_distribution_comments_and_months(client_for, district_staff):
    _answer(overall=5)
    _answer(overall=4)
    _answer(overall=2, ease=1)
    Feedback.objects.filter(overall=2).update(comment="ค้นหาโรงเรียนยาก")
    response = client_for(district_staff).get(reverse("feedback-results"))
    results = response.context["results"]
    assert results["total"] == 3
    overall = next(a for a in results["aspects"] if a["field"] == "overall")
    assert round(overall["average"], 2) == 3.67
    assert [cell["count"] for cell in overall["distribution"]] == [0, 1, 0, 1, 1]
    body = response.content.decode()
    assert "ค้นหาโรงเรียนยาก" in body
    assert "3.67" in body
    [month] = list(response.context["by_month"])
    assert month["total"] == 3


@pytest.mark.django_db
def test_the_export_is_a_csv_excel_reads_and_is_audited(client_for, district_staff):
    _answer(overall=3)
    response = client_for(district_staff).get(reverse("feedback-export"))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").strip().splitlines()
    assert len(lines) == 2
    assert "ความพึงพอใจโดยรวม" in lines[0]
    assert AuditLog.objects.filter(action="aoc.feedback.exported", actor=district_staff).exists()


@pytest.mark.django_db
def test_the_export_makes_formulas_typed_by_visitors_inert(client_for, district_staff):
    answer = _answer()
    Feedback.objects.filter(pk=answer.pk).update(comment='=HYPERLINK("http://evil.example","x")')
    body = client_for(district_staff).get(reverse("feedback-export")).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body


@pytest.mark.django_db
def test_a_month_filter_limits_results_and_export(client_for, district_staff):
    _answer()
    client = client_for(district_staff)
    empty = client.get(reverse("feedback-results") + "?month=2001-01")
    assert empty.context["results"]["total"] == 0
    export = client.get(reverse("feedback-export") + "?month=2001-01")
    assert len(export.content.decode().strip().splitlines()) == 1
