import pytest

from schools import selectors
from tests.factories import EnrolmentFactory, SchoolFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("students", "size"),
    [(None, "unknown"), (0, "none"), (1, "small"), (120, "small"), (121, "medium"), (600, "medium"),
     (601, "large"), (1500, "large"), (1501, "extra-large")],
)  # fmt: skip
def test_size_is_computed_from_the_latest_enrolment(students, size):
    school = SchoolFactory()
    if students is not None:
        EnrolmentFactory(school=school, students=students)
    [annotated] = selectors.attach_sizes(selectors.with_enrolment(type(school).objects.filter(pk=school.pk)))
    assert annotated.size.code == size


@pytest.mark.django_db
def test_the_latest_figure_wins():
    school = SchoolFactory()
    EnrolmentFactory(school=school, students=700, as_of="2025-06-10")
    EnrolmentFactory(school=school, students=90, as_of="2026-06-10")
    [annotated] = selectors.attach_sizes(selectors.with_enrolment(type(school).objects.filter(pk=school.pk)))
    assert (annotated.students, annotated.size.code) == (90, "small")


@pytest.mark.django_db
@pytest.mark.parametrize("size", ["small", "medium", "none", "unknown"])
def test_directory_filters_by_size(size):
    small, medium, empty, unknown = SchoolFactory(), SchoolFactory(), SchoolFactory(), SchoolFactory()
    EnrolmentFactory(school=small, students=40)
    EnrolmentFactory(school=medium, students=300)
    EnrolmentFactory(school=empty, students=0)
    expected = {"small": small, "medium": medium, "none": empty, "unknown": unknown}[size]
    found = selectors.school_directory(size=size, scheme=selectors.default_size_scheme())
    assert list(found) == [expected]


@pytest.mark.django_db
def test_closed_schools_are_not_in_the_public_directory_but_stay_in_the_registry(district_staff):
    open_school = SchoolFactory()
    closed = SchoolFactory(opened_on="1980-05-16", closed_on="2024-05-16")
    assert list(selectors.school_directory()) == [open_school]
    assert set(selectors.school_registry_list(user=district_staff)) == {open_school, closed}
