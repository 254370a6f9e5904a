from .organisation import (
    PASSWORD,
    LineFactory,
    ProfileFactory,
    SupportGroupFactory,
    UserFactory,
    person,
)
from .rotation import demand_for_minimum, rostered_agents, shift_patterns

__all__ = [
    "PASSWORD",
    "LineFactory",
    "ProfileFactory",
    "SupportGroupFactory",
    "UserFactory",
    "demand_for_minimum",
    "person",
    "rostered_agents",
    "shift_patterns",
]
