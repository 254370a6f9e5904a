from .organisation import (
    PASSWORD,
    LineFactory,
    ProfileFactory,
    SupportGroupFactory,
    UserFactory,
    person,
)

__all__ = ["PASSWORD", "LineFactory", "ProfileFactory", "SupportGroupFactory", "UserFactory", "person"]
