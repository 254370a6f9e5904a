import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_ip(request: HttpRequest) -> str:
    """The address the request came from, trusting X-Forwarded-For only as far as our own proxies.

    Each trusted proxy appends the address it saw, so with N proxies the client is the Nth entry from
    the right; anything further left was written by the client and may be forged.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page a throttled login gets: generic (it says nothing of whether the account exists)."""
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


def over_rate(request: HttpRequest, *, scope: str, per_minute: int) -> bool:
    """Count this request against `scope` for the client's address in the current minute; True once
    the address has made more than `per_minute` requests in it.

    The count lives in the "throttle" cache (the database cache table), so every app process shares
    it. `add` then `incr` is not atomic on the database cache: two processes racing on the first
    request of a minute may lose one count, which loosens the limit by one and never locks anyone out.
    """
    cache = caches["throttle"]
    window = int(time.time() // 60)
    key = f"throttle:{scope}:{client_ip(request)}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    return count > per_minute


def too_many_requests(request: HttpRequest) -> HttpResponse:
    """A plain 429 that says when to come back."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = "60"
    return response
