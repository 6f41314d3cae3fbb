"""Sending a text to one person through the LINE Messaging API (push message).

``POST {LINE_API_BASE_URL}/v2/bot/message/push`` with the channel access token as a Bearer token. Off
while ``LINE_CHANNEL_ACCESS_TOKEN`` is empty. The standard library's ``urllib`` is enough for one JSON
POST (the portal has no HTTP client dependency)."""

import json
import urllib.error
import urllib.request
import uuid

from django.conf import settings

MAX_TEXT = 5000  # LINE's limit for one text message


class LineError(Exception):
    """The message was not accepted; the text says why (status and LINE's own message)."""


def is_enabled() -> bool:
    return bool(settings.LINE_CHANNEL_ACCESS_TOKEN)


def push_text(user_id: str, text: str, *, retry_key: uuid.UUID | None = None) -> None:
    """Push ``text`` to ``user_id``. ``retry_key`` makes a retried request harmless: LINE delivers a
    message with the same key once."""
    base = settings.LINE_API_BASE_URL.rstrip("/")
    if not base.startswith(("https://", "http://")):  # never file: or another scheme urllib knows
        raise LineError(f"LINE_API_BASE_URL must be an http(s) URL, not {base!r}")
    body = json.dumps(
        {"to": user_id, "messages": [{"type": "text", "text": text[:MAX_TEXT]}]}, ensure_ascii=False
    ).encode()
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        f"{base}/v2/bot/message/push",
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {settings.LINE_CHANNEL_ACCESS_TOKEN}",
            "Content-Type": "application/json; charset=utf-8",
            **({"X-Line-Retry-Key": str(retry_key)} if retry_key else {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.LINE_TIMEOUT_SECONDS) as response:  # noqa: S310
            response.read()
    except urllib.error.HTTPError as exc:
        if exc.code == 409 and retry_key:  # this retry key was accepted before: delivered already
            return
        detail = exc.read()[:300].decode("utf-8", "replace")
        raise LineError(f"HTTP {exc.code}: {detail}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise LineError(str(getattr(exc, "reason", exc))) from exc
