from .certification import CategoryFactory
from .courses import body, library, make_lesson, make_module, make_programme, publish_change
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
    "CategoryFactory",
    "LineFactory",
    "ProfileFactory",
    "SupportGroupFactory",
    "UserFactory",
    "body",
    "demand_for_minimum",
    "library",
    "make_lesson",
    "make_module",
    "make_programme",
    "person",
    "publish_change",
    "rostered_agents",
    "shift_patterns",
]
