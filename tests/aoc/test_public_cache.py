import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from aoc.public_cache import cached_public_page, public_pages_changed


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


def _counting_view(uses_csrf=False):
    calls = []

    @cached_public_page
    def view(request):
        calls.append(request.path)
        if uses_csrf:
            get_token(request)
        return HttpResponse(f"page {len(calls)}")

    return view, calls


def _get(user=None, path="/stats/"):
    request = RequestFactory().get(path)
    request.user = user or AnonymousUser()
    return request


def test_anonymous_visitors_share_one_rendering_until_public_pages_change():
    view, calls = _counting_view()
    assert view(_get()).content == b"page 1"
    assert view(_get()).content == b"page 1"
    assert view(_get(path="/stats/?year=2568")).content == b"page 2"
    public_pages_changed()
    assert view(_get()).content == b"page 3"
    assert len(calls) == 3


def test_signed_in_users_always_get_a_fresh_page(district_staff):
    view, calls = _counting_view()
    view(_get(district_staff))
    view(_get(district_staff))
    assert len(calls) == 2


def test_a_page_that_uses_the_csrf_token_is_not_cached():
    view, calls = _counting_view(uses_csrf=True)
    view(_get())
    view(_get())
    assert len(calls) == 2


@pytest.mark.django_db
def test_the_language_switch_works_from_a_cached_page_without_a_csrf_token():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.get("/").headers["Content-Language"] == "en"


@pytest.mark.django_db
def test_a_visitors_pending_message_is_not_cached_for_the_next_visitor(client):
    """A message left for one browser (e.g. by a form whose session then ended) is shown to that
    browser only: the page that carries it is not kept for everyone else."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import Client

    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "ข้อความถึงผู้ใช้คนเดียว")])
    first = client.get("/")
    assert "ข้อความถึงผู้ใช้คนเดียว" in first.content.decode()
    other = Client().get("/")
    assert other.status_code == 200
    assert "ข้อความถึงผู้ใช้คนเดียว" not in other.content.decode()
