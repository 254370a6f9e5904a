"""System checks of what the certificate PDFs need from the operating system."""

from __future__ import annotations

import ctypes
import ctypes.util

from django.core import checks

# The names WeasyPrint tries on Linux and macOS (weasyprint/text/ffi.py); importing WeasyPrint itself
# here would add most of a second to every manage.py command.
HARFBUZZ_SUBSET_NAMES = ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib", "harfbuzz-subset")
HARFBUZZ_NAMES = ("libharfbuzz.so.0", "libharfbuzz.0.dylib", "harfbuzz")


def _load(names: tuple[str, ...]) -> ctypes.CDLL | None:
    for name in names:
        for candidate in (name, ctypes.util.find_library(name)):
            if not candidate:
                continue
            try:
                return ctypes.CDLL(candidate)
            except OSError:
                continue
    return None


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint will subset fonts with HarfBuzz (it needs HarfBuzz 4.1.0 or later)."""
    if _load(HARFBUZZ_SUBSET_NAMES) is None:
        return False
    harfbuzz = _load(HARFBUZZ_NAMES)
    return harfbuzz is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


@checks.register()
def check_harfbuzz_subset(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    # Without the library WeasyPrint falls back to fontTools: measured here, one certificate took
    # 350 ms of CPU instead of 27 ms.
    if harfbuzz_subset_available():
        return []
    return [
        checks.Warning(
            "HarfBuzz's subset library (libharfbuzz-subset.so.0, HarfBuzz 4.1 or later) cannot be loaded: "
            "certificate PDFs will render more than ten times slower.",
            hint="Install it: apt-get install libharfbuzz-subset0 (Debian/Ubuntu), or `make system-deps`.",
            id="certification.W001",
        )
    ]
