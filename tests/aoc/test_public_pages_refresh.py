"""Cached public pages are dropped once a write that changes them is committed: a school's registry
entry or photo, a location approved on the map, a round of the calendar."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from datacollection import services as collection_services
from schools import services as school_services
from tests.factories import dmc_round


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.mark.django_db
def test_a_registry_change_reaches_the_cached_directory_and_profile(
    client, school_a, district_staff, django_capture_on_commit_callbacks
):
    profile = reverse("schools:profile", args=[school_a.code])
    assert "074-123-4567" not in client.get(profile).content.decode()
    client.get(reverse("schools:directory"))
    with django_capture_on_commit_callbacks(execute=True):
        school_services.school_update(
            school_a, actor=district_staff, phone="074-123-4567", name_th="บ้านควนลังใหม่"
        )
    assert "074-123-4567" in client.get(profile).content.decode()
    assert "บ้านควนลังใหม่" in client.get(reverse("schools:directory")).content.decode()


@pytest.mark.django_db
def test_without_a_commit_the_cached_page_stays(client, school_a, district_staff):
    """The pages are dropped on commit, not before: a rolled-back change never empties the cache."""
    profile = reverse("schools:profile", args=[school_a.code])
    client.get(profile)
    school_services.school_update(school_a, actor=district_staff, phone="074-123-4567")
    assert "074-123-4567" not in client.get(profile).content.decode()


@pytest.mark.django_db
def test_opening_a_round_reaches_the_cached_calendar_and_home_page(
    client, school_a, district_staff, django_capture_on_commit_callbacks
):
    client.get(reverse("datacollection:round-calendar"))
    client.get(reverse("home"))
    with django_capture_on_commit_callbacks(execute=True):
        round_ = dmc_round(actor=district_staff, schools=[school_a], label="DMC รอบทดสอบแคช")
    assert "DMC รอบทดสอบแคช" in client.get(reverse("datacollection:round-calendar")).content.decode()
    assert "DMC รอบทดสอบแคช" in client.get(reverse("home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        collection_services.round_close(round_, actor=district_staff)
    assert "DMC รอบทดสอบแคช" not in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_the_directory_fragment_and_the_whole_page_are_cached_apart(client, school_a):
    page = client.get(reverse("schools:directory")).content.decode()
    fragment = client.get(reverse("schools:directory"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" in page and "<html" not in fragment
    assert "<html" in client.get(reverse("schools:directory")).content.decode()


@pytest.mark.django_db
def test_a_change_made_in_the_admin_reaches_the_cached_profile(
    client, client_for, school_a, admin_user, django_capture_on_commit_callbacks
):
    profile = reverse("schools:profile", args=[school_a.code])
    client_for(None).get(profile)
    admin = client_for(admin_user)
    form = admin.get(reverse("admin:schools_school_change", args=[school_a.pk])).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "branch_of"}
    data |= {"name_th": "บ้านควนลังแก้ไขในแอดมิน", "generated_fields": "[]", "amphoe": school_a.amphoe_id}
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("admin:schools_school_change", args=[school_a.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert "บ้านควนลังแก้ไขในแอดมิน" in client_for(None).get(profile).content.decode()
