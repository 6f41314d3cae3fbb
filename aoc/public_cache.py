"""Public pages kept whole in the cache for anonymous visitors, and dropped all at once on publish.

A public page (home, directory, statistics …) is the same for every anonymous visitor who reads it in
the same language, so its rendered response is kept in the shared cache, stored with a *generation*
token: a write that changes what the public sees (publishing a round's results, a news item, a change
to a school) calls ``public_pages_changed()``, which replaces the token, so every page cached before is
stale at once, on every worker, without listing keys (a stale entry is overwritten by the next visit).
The token and the page are read in one round trip (``get_many``). If the cache loses the token
(eviction, restart), a new one is drawn, which also starts afresh: an old page is never served again.

Signed-in users always get a fresh page (it carries their name and menu), and so does a visitor with a
message waiting (``django.contrib.messages``: the page shows it to that browser only). A response that
sets a cookie or uses the CSRF token is never cached: it belongs to one visitor.
"""

import hashlib
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

GENERATION_KEY = "public-pages:generation"


def generation() -> str:
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        token = cache.get(GENERATION_KEY)
    return token


def public_pages_changed() -> None:
    """Make every cached public page stale. Call it in ``transaction.on_commit`` of the write."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def _key(request) -> str:
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    # An htmx request gets a fragment of the page (e.g. the directory's results), a different response
    # at the same address; a history restore asks for the whole page again.
    fragment = (
        "hx"
        if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
        else "page"
    )
    return f"public-page:{get_language()}:{request.method}:{fragment}:{path}"


def _has_messages(request) -> bool:
    """Whether a message waits for this browser (reading the count leaves it for the page to show)."""
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def cached_public_page(view=None, *, timeout: int | None = None):
    """Serve anonymous GET/HEAD requests of ``view`` from the cache (see the module's docstring)."""

    def decorator(view_func):
        @wraps(view_func)
        def wrapper(request, *args, **kwargs):
            if (
                request.method not in ("GET", "HEAD")
                or request.user.is_authenticated
                or _has_messages(request)
            ):
                return view_func(request, *args, **kwargs)
            key = _key(request)
            # One round trip to the cache for both the generation and the page (it is most of the cost
            # of a cached page: bench/public_pages.py).
            found = cache.get_many([GENERATION_KEY, key])
            token = found.get(GENERATION_KEY) or generation()
            entry = found.get(key)
            if entry is not None and entry[0] == token:
                return entry[1]
            response = view_func(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if (
                response.status_code == 200
                and not response.streaming
                and not response.cookies
                and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
                and not request.META.get("CSRF_COOKIE_USED")
            ):
                seconds = settings.PUBLIC_PAGE_CACHE_SECONDS if timeout is None else timeout
                cache.set(key, (token, response), seconds)
            return response

        return wrapper

    return decorator(view) if view is not None else decorator
