from django.core import checks as django_checks

from certification import checks


def test_no_warning_when_harfbuzz_subset_loads():
    # `make system-deps` installs libharfbuzz-subset0 wherever the suite runs.
    assert checks.check_harfbuzz_subset() == []


def test_registered_check_warns_when_harfbuzz_subset_is_missing(monkeypatch):
    real_load = checks._load
    monkeypatch.setattr(
        checks, "_load", lambda names: None if names == checks.HARFBUZZ_SUBSET_NAMES else real_load(names)
    )
    messages = [m for m in django_checks.run_checks() if m.id == "certification.W001"]
    assert len(messages) == 1
    assert messages[0].level == django_checks.WARNING


def test_warns_when_harfbuzz_is_older_than_weasyprint_needs(monkeypatch):
    class OldHarfBuzz:
        @staticmethod
        def hb_version_atleast(major, minor, micro):
            return (major, minor, micro) <= (4, 0, 0)

    real_load = checks._load
    monkeypatch.setattr(
        checks, "_load", lambda names: OldHarfBuzz() if names == checks.HARFBUZZ_NAMES else real_load(names)
    )
    assert [m.id for m in checks.check_harfbuzz_subset()] == ["certification.W001"]
