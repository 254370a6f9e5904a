"""The quiz autosave hot path.

Every change of every answer of every learner is a request, and on a certification day a whole line
answers at once. Through the standard path one autosave costs five ORM queries (session, user,
attempt, question, update), and building them costs ten times more than running them. This module
answers the same request with one SELECT and one UPDATE, when the request proves what the session
would prove:

* the page holding the form was rendered for this session while it was signed in as the attempt's
  owner with this password: the page carries a key, an HMAC of the attempt, the session key, the
  user and the password hash (``autosave_key``), sent back in the ``X-Autosave-Key`` header;
* the session row still exists and has not expired (logging out, and a password change elsewhere
  that flushes it, delete it), the person is still active and their password hash is unchanged;
* the attempt is open and in time, and the question is one of it.

Anything short of that (no key, a key that does not verify, a late or finished attempt, another
session engine) returns None and the view takes the standard path, which gives the refusals. So this
module only ever does what the standard path would have done for the same request.
"""

from __future__ import annotations

import datetime
import json
from contextlib import nullcontext

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from . import grading
from .models import Attempt, AttemptQuestion, AttemptStatus
from .services import grace

HEADER = "X-Autosave-Key"
_SALT = "certification.autosave"
# Only these engines keep a row per session that logging out deletes.
_DB_SESSION_ENGINES = {"django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"}


def _key(*, attempt_id: int, user_id: int, session_key: str, password: str) -> str:
    # The password hash is part of the message, so a password change voids every key at once.
    message = f"{attempt_id}:{user_id}:{session_key}:{password}"
    return salted_hmac(_SALT, message, algorithm="sha256").hexdigest()


def autosave_key(*, attempt: Attempt, request: HttpRequest) -> str:
    """The key the attempt page hands its autosave requests; empty when no fast path applies."""
    session_key = request.session.session_key
    if not session_key or settings.SESSION_ENGINE not in _DB_SESSION_ENGINES:
        return ""
    return key_for(attempt_id=attempt.pk, user=request.user, session_key=session_key)


def key_for(*, attempt_id: int, user, session_key: str) -> str:
    """The autosave key of one attempt in one signed-in session (also what load scripts send)."""
    return _key(attempt_id=attempt_id, user_id=user.pk, session_key=session_key, password=user.password)


def _select_sql(for_update: bool) -> str:
    attempt = Attempt._meta.db_table
    question = AttemptQuestion._meta.db_table
    user = get_user_model()._meta.db_table
    session = Session._meta.db_table
    # `deadline >= now - grace` is compared in SQL, in the database's own datetime format. Only table
    # names from the models are formatted in; every value is a parameter.
    return (
        f"SELECT a.user_id, u.password, q.id, q.snapshot, a.deadline >= %s "  # noqa: S608
        f"FROM {attempt} a "
        f"JOIN {question} q ON q.attempt_id = a.id AND q.position = %s "
        f"JOIN {user} u ON u.id = a.user_id AND u.is_active = %s "
        f"JOIN {session} s ON s.session_key = %s AND s.expire_date > %s "
        f"WHERE a.id = %s AND a.status = %s" + (" FOR UPDATE OF a" if for_update else "")
    )


def _update_sql() -> str:
    # The guard repeats "open and in time" inside the write itself: on SQLite, which has no row
    # locks, this one statement is what makes the answer and a finish exclusive of each other.
    return (
        f"UPDATE {AttemptQuestion._meta.db_table} SET response = %s, answered_at = %s "  # noqa: S608
        f"WHERE id = %s AND EXISTS (SELECT 1 FROM {Attempt._meta.db_table} "
        f"WHERE id = %s AND status = %s AND deadline >= %s)"
    )


def store_if_proven(
    request: HttpRequest, *, attempt_id: int, position: int, now: datetime.datetime | None = None
) -> AttemptQuestion | None:
    """Store the posted answer when the request proves its right to; None means "take the standard path".

    Raises AnswerError (a CertificationError) for an answer that is not one of the choices; nothing
    is written then.
    """
    given = request.headers.get(HEADER, "")
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    if not given or not session_key or settings.SESSION_ENGINE not in _DB_SESSION_ENGINES:
        return None
    now = now or timezone.now()
    ops = connection.ops
    since = ops.adapt_datetimefield_value(now - grace())
    # PostgreSQL locks the attempt row for the read and the write, as the standard path does. SQLite
    # locks the whole database for a write transaction, and two workers queueing for it sleep in its
    # busy handler: there the read takes no lock and the guarded UPDATE alone is the critical section.
    locking = connection.features.has_select_for_update_of
    with transaction.atomic() if locking else nullcontext(), connection.cursor() as cursor:
        cursor.execute(
            _select_sql(locking),
            [
                since,
                position,
                True,
                session_key,
                ops.adapt_datetimefield_value(now),
                attempt_id,
                AttemptStatus.OPEN,
            ],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        user_id, password, item_id, snapshot, in_time = row
        expected = _key(attempt_id=attempt_id, user_id=user_id, session_key=session_key, password=password)
        if not in_time or not constant_time_compare(given, expected):
            return None
        if isinstance(snapshot, str):
            snapshot = json.loads(snapshot)
        response = grading.parse_response(snapshot, request.POST, f"q{position}")
        field = AttemptQuestion._meta.get_field("response")
        cursor.execute(
            _update_sql(),
            [
                field.get_db_prep_save(response, connection),
                ops.adapt_datetimefield_value(now),
                item_id,
                attempt_id,
                AttemptStatus.OPEN,
                since,
            ],
        )
        if cursor.rowcount != 1:  # finished or closed in between: the standard path says so
            return None
    return AttemptQuestion(
        id=item_id, attempt_id=attempt_id, position=position, response=response, answered_at=now
    )
