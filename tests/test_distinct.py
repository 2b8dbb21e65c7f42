"""Work per distinct value and groups of identical rows agree with pandas row by row."""

import numpy as np
import pandas as pd

from nest_eval.reference.distinct import per_distinct, row_groups


def _frame(rows, columns, seed):
    rng = np.random.default_rng(seed)
    data = {}
    for i in range(columns):
        kind = i % 3
        if kind == 0:
            values = rng.integers(0, 2000, rows).astype(float)
            values[rng.random(rows) < 0.1] = np.nan
            data[f"c{i}"] = values
        elif kind == 1:
            text = pd.Series(rng.choice(["a", "b", "é", ""], rows), dtype="string")
            data[f"c{i}"] = text.mask(rng.random(rows) < 0.1)
        else:
            data[f"c{i}"] = pd.array(rng.integers(0, 3, rows), dtype="Int64")
    return pd.DataFrame(data, index=rng.permutation(rows) + 100)


def test_row_groups_are_pandas_groups_of_identical_rows():
    # 15 columns of up to 2,000 values: the codes are renumbered before they pass 64 bits
    for columns, seed in ((1, 0), (3, 1), (15, 2)):
        frame = _frame(3000, columns, seed)
        groups = row_groups(frame)
        expected = frame.groupby(list(frame.columns), dropna=False, sort=False).ngroup()
        assert (groups == expected.to_numpy()).all()
        duplicated = pd.Series(groups).duplicated().to_numpy()
        assert (duplicated == frame.duplicated().to_numpy()).all()
    assert len(row_groups(frame.iloc[:0])) == 0


def test_work_per_distinct_value_is_work_per_row():
    values = pd.Series(["2024-01-02", "x", None, "2024-01-02", "03/04/2024"] * 5, dtype="string")
    values.index = values.index * 7

    def parts(s):
        return s.str.extract(r"^(\d+)\D(\d+)\D(\d+)$")

    pd.testing.assert_frame_equal(per_distinct(values, parts), parts(values))
    pd.testing.assert_series_equal(
        per_distinct(values, lambda s: s.str.upper()), values.str.upper()
    )
