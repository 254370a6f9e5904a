"""Query-count budgets at two sizes of the scale organisation: shared by the scale tests of every app."""


def assert_counts_hold(small: dict[str, int], large: dict[str, int], budgets: dict[str, int]) -> None:
    """No page makes more queries at the larger size, and none goes over its budget."""
    grew = {name: (small[name], large[name]) for name in small if large[name] > small[name]}
    assert not grew, f"query counts grew with the data (small, large): {grew}"
    over = {name: (count, budgets[name]) for name, count in large.items() if count > budgets[name]}
    assert not over, f"pages over their query budget (queries, budget): {over}"
