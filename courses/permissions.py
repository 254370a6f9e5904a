"""Who may read and study the materials. Pure functions: no writes, at most a cached query."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from wagtail.models import BaseViewRestriction, Page, PageViewRestriction

from trainingsite.roles import Role, has_role, user_roles

STAFF_ROLES = (Role.AGENT, Role.MENTOR, Role.TEAM_LEAD, Role.EDITOR)


def is_staff_member(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Materials are for the support organisation: anyone holding a role (or a superuser)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(has_role(user, role) for role in STAFF_ROLES)


def can_study(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Agents record study progress; any agent may study any material they can read."""
    return user.is_authenticated and user.is_active and has_role(user, Role.AGENT)


@dataclass(frozen=True)
class Restriction:
    id: int
    path: str
    kind: str
    group_names: frozenset[str]


def view_restrictions() -> list[Restriction]:
    """Every view restriction of the page tree, in two queries (they are few: whole subtrees)."""
    return [
        Restriction(
            id=r.pk,
            path=r.page.path,
            kind=r.restriction_type,
            group_names=frozenset(g.name for g in r.groups.all()),
        )
        for r in PageViewRestriction.objects.select_related("page")
        .only("pk", "restriction_type", "page__path")
        .prefetch_related("groups")
    ]


def passed_restriction_ids(request: HttpRequest | None) -> frozenset[int]:
    if request is None or not hasattr(request, "session"):
        return frozenset()
    key = PageViewRestriction.passed_view_restrictions_session_key
    return frozenset(request.session.get(key, []))


def restriction_accepts(
    restriction: Restriction, user: AbstractBaseUser | AnonymousUser, passed: Collection[int] = ()
) -> bool:
    """Wagtail's `PageViewRestriction.accept_request`, without a query per restriction."""
    if restriction.kind == BaseViewRestriction.PASSWORD:
        return restriction.id in passed
    if restriction.kind == BaseViewRestriction.LOGIN:
        return user.is_authenticated
    if restriction.kind == BaseViewRestriction.GROUPS:
        return user.is_superuser or bool(restriction.group_names & user_roles(user))
    return True


def hidden_paths(
    user: AbstractBaseUser | AnonymousUser,
    *,
    passed: Collection[int] = (),
    restrictions: Iterable[Restriction] | None = None,
) -> tuple[str, ...]:
    """Tree paths whose subtrees `user` may not read."""
    if restrictions is None:
        from .catalogue import catalogue

        restrictions = catalogue().restrictions
    return tuple(r.path for r in restrictions if not restriction_accepts(r, user, passed))


def is_hidden(path: str, hidden: Iterable[str]) -> bool:
    return any(path.startswith(prefix) for prefix in hidden)


def can_read_page(
    user: AbstractBaseUser | AnonymousUser, page: Page, *, passed: Collection[int] = ()
) -> bool:
    """May `user` read this page? Live, staff, and every view restriction above it accepts them."""
    if not page.live or not is_staff_member(user):
        return False
    return not is_hidden(page.path, hidden_paths(user, passed=passed))


def document_pages(document) -> list[Page]:
    """The pages whose saved content uses `document` (Wagtail's reference index), with their paths."""
    from wagtail.models import ReferenceIndex

    page_ids = ReferenceIndex.objects.filter(
        to_content_type=ReferenceIndex._get_base_content_type(document),
        to_object_id=str(document.pk),
        base_content_type=ReferenceIndex._get_base_content_type(Page),
    ).values_list("object_id", flat=True)
    return list(Page.objects.filter(pk__in=[int(pk) for pk in page_ids]).only("pk", "path", "live"))


def may_manage_documents(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Editors who upload or pick documents in the admin may download any of them."""
    from wagtail.documents import get_document_model
    from wagtail.permissions import policy_registry

    policy = policy_registry.get_by_type(get_document_model())
    return user.is_authenticated and policy.user_has_any_permission(user, ["add", "change", "choose"])


def can_download_document(
    user: AbstractBaseUser | AnonymousUser, document, *, passed: Collection[int] = ()
) -> bool:
    """A document is lesson material: staff only, and a document used in pages only reaches people who
    may read at least one of those pages (a file used only in a restricted or unpublished lesson stays
    as private as the lesson). A document no page uses is readable by any member of staff."""
    if not is_staff_member(user):
        return False
    if may_manage_documents(user):
        return True
    pages = document_pages(document)
    if not pages:
        return True
    hidden = hidden_paths(user, passed=passed)
    return any(page.live and not is_hidden(page.path, hidden) for page in pages)
