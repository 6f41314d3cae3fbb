"""Role capabilities that are not about any one domain object."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def is_staff_user(user) -> bool:
    """Anyone who logs in: district roles and school officers alike."""
    return user.is_authenticated and user.is_active


def can_read_audit(user) -> bool:
    return user.is_authenticated and (user.is_admin or user.role == user.Role.DISTRICT_STAFF)


def can_manage_users(user) -> bool:
    return user.is_authenticated and user.is_admin


def can_manage_registry(user) -> bool:
    """Create and change schools, import the registry: administrators and district staff."""
    return user.is_authenticated and (user.is_admin or user.role == user.Role.DISTRICT_STAFF)


def require(check):
    """View decorator: log in first, then ``check(user)`` or 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def can_manage_news(user) -> bool:
    """Write, publish and take down the office's news and announcements: district staff, administrators."""
    return user.is_authenticated and (user.is_admin or user.role == user.Role.DISTRICT_STAFF)


def can_read_feedback(user) -> bool:
    """Read and export the satisfaction survey's answers: district staff, administrators, the director."""
    return user.is_authenticated and (
        user.is_admin or user.role in (user.Role.DISTRICT_STAFF, user.Role.DIRECTOR)
    )
