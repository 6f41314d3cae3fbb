"""Personas, one per role, and the guard that keeps the suite on real PostgreSQL."""

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage

from aoc.models import User
from datacollection.models import Upload
from tests.factories import SchoolFactory, UserFactory, officer_of


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        raise pytest.UsageError(
            "The test suite runs on PostgreSQL only: set DATABASE_URL (make test does it for you). "
            f"Found {engine}."
        )


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path, monkeypatch):
    """Uploaded media and private files (schools' data files) go to a fresh folder per test. A file
    field resolves its storage once, when the model is loaded, so the private fields are pointed at the
    test's folder directly."""
    settings.MEDIA_ROOT = tmp_path / "media"
    private = FileSystemStorage(location=tmp_path / "private")
    for field in (Upload._meta.get_field("file"), Upload._meta.get_field("report")):
        monkeypatch.setattr(field, "storage", private)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Every test starts with an empty cache: public pages are cached whole (aoc/public_cache.py), and a
    test's writes are rolled back without the commit that would drop a page cached by another test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def school_a(db):
    return SchoolFactory(name_th="บ้านควนลัง", tambon="ควนลัง")


@pytest.fixture
def school_b(db):
    return SchoolFactory(name_th="วัดคลองแห", tambon="คลองแห")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=User.Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def district_staff(db):
    return UserFactory(username="staff", role=User.Role.DISTRICT_STAFF)


@pytest.fixture
def ict_staff(db):
    return UserFactory(username="ict", role=User.Role.ICT_STAFF)


@pytest.fixture
def director(db):
    return UserFactory(username="director", role=User.Role.DIRECTOR)


@pytest.fixture
def officer_a(school_a):
    return officer_of(school_a, username="officer_a")


@pytest.fixture
def officer_b(school_b):
    return officer_of(school_b, username="officer_b")


@pytest.fixture
def personas(admin_user, district_staff, ict_staff, director, officer_a, officer_b):
    return {
        "admin": admin_user,
        "district_staff": district_staff,
        "ict_staff": ict_staff,
        "director": director,
        "officer_a": officer_a,
        "officer_b": officer_b,
    }


@pytest.fixture
def client_for(client):
    """``client_for(user)`` → a test client logged in as ``user`` (None → anonymous)."""

    def make(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return make
