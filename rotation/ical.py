"""iCalendar (RFC 5545) for an agent's rotations: all-day events, one per rotation."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Rotation


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    # RFC 5545 3.1: lines longer than 75 octets are folded with CRLF + space.
    out, raw = [], line.encode()
    while len(raw) > 75:
        cut = 75
        while (raw[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        out.append(raw[:cut].decode())
        raw = b" " + raw[cut:]
    out.append(raw.decode())
    return out


def rotations_ical(rotations: Iterable[Rotation], *, host: str) -> str:
    stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Support training//Rotation//RU",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(_('Rotations'))}",
    ]
    for r in rotations:
        summary = _("Rotation: %(host)s") % {"host": r.host_label}
        description = _("Host mentor: %(mentor)s") % {"mentor": r.host_mentor.profile.full_name}
        if r.goals:
            description += "\n" + _("Goals: %(goals)s") % {"goals": r.goals}
        lines += [
            "BEGIN:VEVENT",
            f"UID:rotation-{r.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{r.starts_on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{r.ends_on + datetime.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(summary)}",
            f"DESCRIPTION:{_escape(description)}",
            "STATUS:CONFIRMED" if r.status != Rotation.Status.CANCELLED else "STATUS:CANCELLED",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"
