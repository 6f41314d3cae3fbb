"""Who may publish statistics and add files to the downloads catalogue."""

from aoc.permissions import can_manage_registry


def can_publish(user) -> bool:
    """Publish a round's results, upload a file as a new version of a dataset: district staff and
    administrators (``None`` is the system itself: the demo loader)."""
    return user is None or can_manage_registry(user)


def can_view_publishing(user) -> bool:
    """See the publishing page and its preview: district-wide roles (the director reads it too)."""
    return user is not None and user.is_authenticated and user.is_active and user.is_district_wide


def can_publish_user(user) -> bool:
    """``can_publish`` for a web request: a signed-in person (never the system)."""
    return user is not None and user.is_authenticated and can_publish(user)
