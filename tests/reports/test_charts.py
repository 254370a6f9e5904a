"""Bar geometry: proportional to the largest value (or a fixed maximum), nothing drawn for zero."""

from reports.charts import VALUE_WIDTH, WIDTH, bar_chart

AREA = WIDTH - VALUE_WIDTH


def test_bars_are_proportional_to_the_largest_row():
    chart = bar_chart(
        id="c",
        title="T",
        description="D",
        rows=[("a", [(1, "primary", "a")], "1"), ("b", [(3, "primary", "b")], "3")],
    )
    assert [r.segments[0].width for r in chart.rows] == [round(AREA / 3, 1), float(AREA)]
    assert chart.rows[1].value_x == AREA + 6


def test_a_zero_draws_no_bar_and_a_fixed_maximum_scales_percentages():
    chart = bar_chart(
        id="c",
        title="T",
        description="D",
        rows=[("zero", [(0, "ok", "")], "0 %"), ("half", [(50, "ok", "")], "50 %")],
        maximum=100,
    )
    assert chart.rows[0].segments == []
    assert chart.rows[1].segments[0].width == AREA / 2


def test_stacked_segments_follow_each_other():
    chart = bar_chart(
        id="c", title="T", description="D", rows=[("w", [(1, "ok", ""), (0, "warn", ""), (1, "bad", "")], "")]
    )
    ok, bad = chart.rows[0].segments
    assert (ok.x, ok.width, bad.x, bad.width) == (0.0, AREA / 2, AREA / 2, AREA / 2)
    assert bad.fill == "#b91c1c"


def test_long_labels_are_shortened_but_kept_whole_for_the_tooltip():
    label = "Аттестация второй линии: восстановление доступа к почте и личному кабинету клиента"
    [row] = bar_chart(id="c", title="T", description="D", rows=[(label, [(1, "ok", "")], "1")]).rows
    assert row.label.endswith("…")
    assert len(row.label) == 70
    assert row.full_label == label
