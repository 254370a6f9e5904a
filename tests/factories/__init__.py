from .certification import CategoryFactory
from .organisation import (
    PASSWORD,
    LineFactory,
    ProfileFactory,
    SupportGroupFactory,
    UserFactory,
    person,
)

__all__ = [
    "PASSWORD",
    "CategoryFactory",
    "LineFactory",
    "ProfileFactory",
    "SupportGroupFactory",
    "UserFactory",
    "person",
]
