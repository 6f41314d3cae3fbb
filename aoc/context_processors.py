from django.conf import settings

from aoc import permissions
from aoc.models import Notice


def portal(request):
    """What the base layout needs on every page: the district's names and the navigation flags."""
    user = request.user
    return {
        "district": settings.DISTRICT,
        "unread_notices": (
            Notice.objects.filter(user=user, read_at=None).count() if permissions.is_staff_user(user) else 0
        ),
        "nav": {
            "staff": permissions.is_staff_user(user),
            "audit": permissions.can_read_audit(user),
            "admin": permissions.can_manage_users(user),
            "registry_import": permissions.can_manage_registry(user),
        },
    }
