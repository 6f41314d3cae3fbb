from django.conf import settings

from aoc import permissions


def portal(request):
    """What the base layout needs on every page: the district's names and the navigation flags."""
    user = request.user
    return {
        "district": settings.DISTRICT,
        "nav": {
            "staff": permissions.is_staff_user(user),
            "audit": permissions.can_read_audit(user),
            "admin": permissions.can_manage_users(user),
            "registry_import": permissions.can_manage_registry(user),
        },
    }
