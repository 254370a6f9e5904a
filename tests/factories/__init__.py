from .courses import body, library, make_lesson, make_module, make_programme, publish_change
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
    "body",
    "library",
    "make_lesson",
    "make_module",
    "make_programme",
    "person",
    "publish_change",
]
