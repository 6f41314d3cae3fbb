from aoc.models import User


def district_staff_users():
    """Who is told when a school submits: district staff (and administrators), active."""
    return User.objects.filter(role__in=[User.Role.DISTRICT_STAFF, User.Role.ADMIN], is_active=True)
