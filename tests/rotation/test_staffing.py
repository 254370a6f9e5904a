"""Erlang C against published figures."""

import pytest

from rotation.staffing import erlang_c, service_level, staffing, traffic_erlangs

REFERENCE = {
    "requests": 10_000,
    "period_seconds": 12 * 3600,
    "aht_seconds": 6 * 60,
    "target_percent": 80,
    "target_seconds": 5 * 60,
}


def test_traffic_of_the_reference_line_is_83_3_erlangs():
    assert traffic_erlangs(requests=10_000, period_seconds=43_200, aht_seconds=360) == pytest.approx(
        83.333, abs=1e-3
    )


def test_85_agents_reach_80_percent_within_5_minutes_and_84_do_not():
    traffic = 10_000 * 360 / 43_200
    assert service_level(agents=85, traffic=traffic, aht_seconds=360, target_seconds=300) >= 0.80
    assert service_level(agents=84, traffic=traffic, aht_seconds=360, target_seconds=300) < 0.80
    assert staffing(**REFERENCE).agents_for_service_level == 85


def test_occupancy_cap_of_85_percent_needs_99_agents():
    result = staffing(**REFERENCE, max_occupancy_percent=85)
    assert result.agents_on_line == 99
    assert result.occupancy <= 0.85


def test_30_percent_shrinkage_needs_142_rostered():
    assert staffing(**REFERENCE, max_occupancy_percent=85, shrinkage_percent=30).rostered == 142


@pytest.mark.parametrize(
    ("agents", "traffic", "probability"),
    [
        (3, 2.0, 4 / 9),  # the textbook M/M/3 case: P(wait) = 4/9
        (11, 10.0, 0.6821),  # the widely reproduced Erlang C table value for 10 erlangs
        (12, 10.0, 0.4494),
        (2, 1.0, 1 / 3),
    ],
)
def test_erlang_c_matches_published_tables(agents, traffic, probability):
    assert erlang_c(agents=agents, traffic=traffic) == pytest.approx(probability, abs=5e-4)


def test_erlang_c_is_certain_wait_when_agents_do_not_exceed_traffic():
    assert erlang_c(agents=10, traffic=10.0) == 1.0
    assert service_level(agents=10, traffic=10.0, aht_seconds=360, target_seconds=300) == 0.0


def test_no_requests_need_no_agents():
    result = staffing(**{**REFERENCE, "requests": 0})
    assert result.rostered == 0
    assert result.service_level == 1.0


@pytest.mark.parametrize(
    "bad",
    [{"target_percent": 0}, {"max_occupancy_percent": 0}, {"shrinkage_percent": 100}],
)
def test_nonsense_inputs_are_refused(bad):
    with pytest.raises(ValueError, match="must be in"):
        staffing(**{**REFERENCE, **bad})


def test_staffing_is_worked_out_once_per_set_of_inputs():
    staffing.cache_clear()
    first = staffing(**REFERENCE, shrinkage_percent=30)
    again = staffing(**REFERENCE, shrinkage_percent=30)
    other = staffing(**REFERENCE, shrinkage_percent=20)

    assert again is first
    assert other.rostered < first.rostered
    assert (staffing.cache_info().hits, staffing.cache_info().misses) == (1, 2)
