"""Writes of the public site shell: the office's news and announcements, and the anonymous
satisfaction survey. Each news write is audited and makes the cached public pages stale once
committed (``aoc.public_cache``)."""

import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aoc import permissions
from aoc.audit import audit_log, changes, snapshot
from aoc.models import Feedback, NewsItem
from aoc.public_cache import public_pages_changed
from aoc.text import normalise_thai

NEWS_FIELDS = ("title", "body", "category", "pinned")


def _check_news_writer(actor) -> None:
    if not permissions.can_manage_news(actor):
        raise PermissionDenied


def _public_change(item: NewsItem) -> None:
    """The public pages show published items only: a change to a draft leaves them as they are."""
    transaction.on_commit(public_pages_changed)


def _display_name(name: str) -> str:
    return normalise_thai(name.replace("\\", "/").rsplit("/", 1)[-1])[:200]


def _move_attachment(item: NewsItem) -> None:
    """Give the attachment a new address (a new random folder); the old file goes after the commit."""
    old_name, storage = item.attachment.name, item.attachment.storage
    with storage.open(old_name, "rb") as handle:
        content = ContentFile(handle.read())
    item.attachment.save(old_name.rsplit("/", 1)[-1], content, save=False)
    transaction.on_commit(lambda: storage.delete(old_name))


@transaction.atomic
def news_create(*, actor, title: str, body: str, category: str, pinned: bool = False, attachment=None,
                publish: bool = False) -> NewsItem:  # fmt: skip
    _check_news_writer(actor)
    item = NewsItem(
        title=normalise_thai(title),
        body=normalise_thai(body),
        category=category,
        pinned=pinned,
        author=actor,
        published_at=timezone.now() if publish else None,
    )
    item.full_clean(exclude=["attachment", "author"])
    if attachment:
        item.attachment.save(attachment.name, attachment, save=False)
        item.attachment_name = _display_name(attachment.name)
    try:
        item.save()
        audit_log(
            actor,
            "aoc.news.created",
            item,
            {"values": snapshot(item, NEWS_FIELDS), "published": publish, "attachment": item.attachment.name},
        )
    except Exception:
        if item.attachment:
            item.attachment.storage.delete(item.attachment.name)
        raise
    if publish:
        _public_change(item)
    return item


@transaction.atomic
def news_update(
    item: NewsItem, *, actor, attachment=None, remove_attachment: bool = False, **fields
) -> NewsItem:
    """Change an item's text, category, pin or attachment (a new file replaces the old one)."""
    _check_news_writer(actor)
    item = NewsItem.objects.select_for_update().get(pk=item.pk)
    before = snapshot(item, NEWS_FIELDS)
    for name, value in fields.items():
        if name not in NEWS_FIELDS:
            raise ValueError(f"{name} is not an editable news field")
        setattr(item, name, normalise_thai(value) if isinstance(value, str) else value)
    item.full_clean(exclude=["attachment", "author"])
    diff = changes(before, snapshot(item, NEWS_FIELDS))
    old_file = item.attachment.name
    if attachment or (remove_attachment and old_file):
        item.attachment, item.attachment_name = None, ""
        if attachment:
            item.attachment.save(attachment.name, attachment, save=False)
            item.attachment_name = _display_name(attachment.name)
        diff["attachment"] = [old_file, item.attachment.name]
        if old_file:
            storage = NewsItem._meta.get_field("attachment").storage
            transaction.on_commit(lambda: storage.delete(old_file))
    if diff:
        item.save()
        audit_log(actor, "aoc.news.updated", item, {"changes": diff})
        if item.is_published:
            _public_change(item)
    return item


@transaction.atomic
def news_publish(item: NewsItem, *, actor) -> NewsItem:
    _check_news_writer(actor)
    item = NewsItem.objects.select_for_update().get(pk=item.pk)
    if item.is_published:
        raise ValidationError(_("ข่าวนี้เผยแพร่อยู่แล้ว"))
    item.published_at = timezone.now()
    item.save(update_fields=["published_at", "updated_at"])
    audit_log(actor, "aoc.news.published", item, {"published_at": item.published_at})
    _public_change(item)
    return item


@transaction.atomic
def news_unpublish(item: NewsItem, *, actor) -> NewsItem:
    """Take an item off the public site. Its attachment moves to a new address, so a link someone kept
    no longer opens it; the item stays, as a draft, and can be published again."""
    _check_news_writer(actor)
    item = NewsItem.objects.select_for_update().get(pk=item.pk)
    if not item.is_published:
        raise ValidationError(_("ข่าวนี้ยังไม่ได้เผยแพร่"))
    was = item.published_at
    item.published_at = None
    if item.attachment:
        _move_attachment(item)
    item.save()
    audit_log(actor, "aoc.news.unpublished", item, {"was_published_at": was})
    _public_change(item)
    return item


# --- The satisfaction survey ----------------------------------------------------------------------------


class TooManyAnswers(ValidationError):
    pass


def feedback_client_key(remote_addr: str) -> str:
    """A keyed hash of the client's address, used only as a cache key for the rate limit: the address is
    never stored, and the hash cannot be reversed without the site's secret key."""
    secret = f"feedback-rate:{settings.SECRET_KEY}".encode()
    return hmac.new(secret, (remote_addr or "").encode(), hashlib.sha256).hexdigest()


def _rate_key(client_key: str) -> str:
    return f"feedback-rate:{client_key}"


def feedback_submit(*, client_key: str, page: str = "", comment: str = "", **ratings) -> Feedback:
    """Store one anonymous answer. At most ``FEEDBACK_RATE_LIMIT`` answers per client per
    ``FEEDBACK_RATE_WINDOW`` seconds; no audit row (it would keep the address), no link to an account."""
    limit, window = settings.FEEDBACK_RATE_LIMIT, settings.FEEDBACK_RATE_WINDOW
    key = _rate_key(client_key)
    cache.add(key, 0, timeout=window)
    if cache.incr(key) > limit:
        raise TooManyAnswers(_("ส่งแบบประเมินหลายครั้งเกินไป กรุณาลองใหม่ภายหลัง"))
    fields = [field for field, _label in Feedback.ASPECTS]
    if set(ratings) != set(fields):
        raise ValueError(f"ratings must be given for exactly {fields}")
    answer = Feedback(comment=comment.strip(), page=page[:300], **ratings)
    answer.full_clean()
    answer.save()
    return answer
