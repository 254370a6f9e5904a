"""May this user see or act on that rotation? Pure functions over the organisation's rules."""

from __future__ import annotations

from trainingsite.permissions import lines_led_by

from .models import Rotation


def can_view_rotation(user, rotation: Rotation) -> bool:
    if not user.is_authenticated:
        return False
    if user.pk in (rotation.agent_id, rotation.host_mentor_id):
        return True
    return lines_led_by(user).filter(pk__in=[rotation.home_line_id, rotation.host_line_id]).exists()


def can_manage_rotation(user, rotation: Rotation) -> bool:
    """Cancel or start: the team lead of the agent's home line."""
    return lines_led_by(user).filter(pk=rotation.home_line_id).exists()


def can_sign_off_rotation(user, rotation: Rotation) -> bool:
    return user.is_authenticated and user.pk == rotation.host_mentor_id
