"""A per-process copy of the library's page tree: what routing, breadcrumbs, lesson lists, progress
and view restrictions need, so that a lesson page does not read the tree on every request.

Invalidation works across processes through `LibraryVersion`: every change to a page, a view
restriction or a site writes a fresh random token (`bump`, connected in `receivers.py`), and a
process reloads its copy when the token it reads differs from the one its copy was built under.
The token is read at most once per request (`CatalogueMiddleware` opens the scope) and on every
call outside a request (services, commands, tests), so a change is seen by the next request of
every process.

Why a random token and not a counter: a rolled-back transaction restores the previous token, and a
counter could then be bumped again to a value some process already cached for other data.
The token is read before the tree, and a change writes its token after its data in the same
transaction, so a copy can only ever be newer than its token, never older.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest, HttpResponse
from wagtail.models import Page, Site
from wagtail.views import serve as wagtail_serve

from .models import LessonPage, LibraryVersion, ModulePage, ProgrammePage, TrainingLibraryPage
from .permissions import Restriction, view_restrictions

LESSON_FIELDS = (
    "id",
    "path",
    "depth",
    "title",
    "slug",
    "url_path",
    "live",
    "summary",
    "required",
    "estimated_minutes",
    "live_revision_id",
    "last_substantive_revision_id",
    "substantive_change_at",
)
MODULE_FIELDS = ("id", "path", "depth", "title", "slug", "url_path", "live", "intro")
# Hostnames are checked against ALLOWED_HOSTS before a view runs; the bound only guards a wildcard.
MAX_CACHED_SITES = 50


@dataclass
class Catalogue:
    token: str
    library: TrainingLibraryPage | None = None
    # url_path -> (page id, content type id) of every live page under the library
    routes: dict[str, tuple[int, int]] = field(default_factory=dict)
    # the library, its programmes and modules (live or not) by tree path: breadcrumbs and ancestors
    nodes: dict[str, Page] = field(default_factory=dict)
    # live lessons and live modules in tree order, by the path of the programme they belong to
    lessons: dict[str, tuple[LessonPage, ...]] = field(default_factory=dict)
    modules: dict[str, tuple[ModulePage, ...]] = field(default_factory=dict)
    programme_depth: int = 0
    restrictions: tuple[Restriction, ...] = ()
    sites: dict[tuple[str, int], Site | None] = field(default_factory=dict)
    # Wagtail resolves aliases to their source pages for view restrictions; with any alias in the
    # library the restriction check goes back to Wagtail's own queries.
    has_aliases: bool = False

    def programme_lessons(self, programme: Page) -> tuple[LessonPage, ...]:
        if programme.depth == self.programme_depth:
            return self.lessons.get(programme.path, ())
        # Not a child of the library (never made by the admin: parent_page_types forbid it).
        return tuple(
            lesson
            for lessons in self.lessons.values()
            for lesson in lessons
            if lesson.path.startswith(programme.path)
        )

    def programme_modules(self, programme: Page) -> tuple[ModulePage, ...]:
        return self.modules.get(programme.path, ()) if programme.depth == self.programme_depth else ()

    def ancestors(self, page: Page) -> list[Page]:
        """The page's ancestors below the tree's root, the library first (breadcrumbs)."""
        steplen = Page.steplen
        found = []
        for end in range(2 * steplen, len(page.path), steplen):
            node = self.nodes.get(page.path[:end])
            if node is not None:
                found.append(node)
        return found

    def applicable_restrictions(self, page: Page) -> list[Restriction]:
        return [r for r in self.restrictions if page.path.startswith(r.path)]

    def site_for(self, request: HttpRequest) -> Site | None:
        """Wagtail's site for the request's host and port, looked up once per catalogue."""
        key = (request._get_raw_host(), request.get_port())
        if key not in self.sites:
            site = Site._find_for_request(request)
            if site is not None:
                site.root_page.specific  # noqa: B018 - loaded once here, not by every request's routing
            if len(self.sites) >= MAX_CACHED_SITES:
                return site
            self.sites[key] = site
        return self.sites[key]


_scope: ContextVar[dict | None] = ContextVar("courses_catalogue_scope", default=None)
_cached: Catalogue | None = None


def current_token() -> str:
    scope = _scope.get()
    if scope is not None and "token" in scope:
        return scope["token"]
    token = LibraryVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""
    if scope is not None:
        scope["token"] = token
    return token


def catalogue() -> Catalogue:
    """This process's copy of the library, reloaded when the token changed."""
    global _cached
    token = current_token()
    cached = _cached
    if cached is not None and cached.token == token:
        return cached
    _cached = fresh = _load(token)
    return fresh


def bump(**kwargs) -> None:
    """Signal receiver: the library changed. Written in the changing transaction, after its data."""
    global _cached
    token = uuid.uuid4().hex
    if not LibraryVersion.objects.filter(pk=1).update(token=token):
        LibraryVersion.objects.update_or_create(pk=1, defaults={"token": token})
    _cached = None
    scope = _scope.get()
    if scope is not None:
        scope["token"] = token


def _load(token: str) -> Catalogue:
    library = TrainingLibraryPage.objects.order_by("path").first()
    result = Catalogue(token=token, restrictions=tuple(view_restrictions()))
    if library is None:
        return result
    result.library = library
    result.programme_depth = library.depth + 1
    under = {"path__startswith": library.path}
    end = Page.steplen * result.programme_depth
    result.has_aliases = Page.objects.filter(alias_of__isnull=False).exists()
    for pk, url_path, content_type_id in (
        Page.objects.filter(live=True, **under)
        .order_by("path")
        .values_list("pk", "url_path", "content_type_id")
    ):
        result.routes.setdefault(url_path, (pk, content_type_id))
    nodes: dict[str, Page] = {library.path: library}
    for programme in ProgrammePage.objects.filter(**under).select_related("line", "group"):
        nodes[programme.path] = programme
    modules = defaultdict(list)
    for module in ModulePage.objects.filter(**under).order_by("path").only(*MODULE_FIELDS):
        nodes[module.path] = module
        if module.live:
            modules[module.path[:end]].append(module)
    lessons = defaultdict(list)
    for lesson in LessonPage.objects.filter(live=True, **under).order_by("path").only(*LESSON_FIELDS):
        lessons[lesson.path[:end]].append(lesson)
    result.nodes = dict(sorted(nodes.items()))
    result.modules = {path: tuple(items) for path, items in modules.items()}
    result.lessons = {path: tuple(items) for path, items in lessons.items()}
    return result


def page_model(content_type_id: int) -> type[Page]:
    return ContentType.objects.get_for_id(content_type_id).model_class() or Page


class CatalogueMiddleware:
    """Reads the library's token at most once per request, and gives Wagtail's page serving the site
    from the catalogue instead of a query per request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reset = _scope.set({})
        try:
            return self.get_response(request)
        finally:
            _scope.reset(reset)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        if view_func is wagtail_serve and not hasattr(request, "_wagtail_site"):
            request._wagtail_site = catalogue().site_for(request)
        return None


def use_cached_site(request: HttpRequest) -> None:
    """For views outside page serving that link to pages once the catalogue is read anyway."""
    if not hasattr(request, "_wagtail_site"):
        request._wagtail_site = catalogue().site_for(request)
