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


def _conflicts_row_by_row(key, key_when, values):
    """Conflicting rows as pandas finds them: distinct rows per key, in the key's scope."""
    scope = values
    if key_when is not None:
        scope = values.loc[(values[key_when[0]] == key_when[1]).fillna(False)]
    scope = scope.dropna(subset=key)
    counts = scope.drop_duplicates().groupby(key, dropna=False).size()
    many = counts[counts > 1].index
    index = pd.MultiIndex.from_frame(scope[key]) if len(key) > 1 else pd.Index(scope[key[0]])
    return sorted(scope.index[index.isin(many)])


def test_conflicting_duplicates_are_the_rows_pandas_finds():
    from types import SimpleNamespace

    from nest_eval.ingest.datasets import _conflicting_rows, _key_and_row_groups

    rng = np.random.default_rng(4)
    for seed in range(20):
        rows = 400
        values = pd.DataFrame(
            {
                "rpb": pd.Series(rng.choice(["a", "b", "c"], rows), dtype="string"),
                "year": pd.array(rng.integers(2023, 2025, rows), dtype="Int64"),
                "rating": rng.integers(1, 3, rows).astype(float),
                "level": pd.Series(rng.choice(["region", "project"], rows), dtype="string"),
            },
            index=rng.permutation(rows) * 3,
        )
        values.loc[rng.random(rows) < 0.05, "rpb"] = pd.NA
        values.loc[rng.random(rows) < 0.05, "level"] = pd.NA
        key_when = ("level", "region") if seed % 2 else None
        key = ("rpb", "year") if seed % 3 else ("rpb",)
        dataset = SimpleNamespace(key=key, key_when=key_when)
        keys, groups = _key_and_row_groups(dataset, values)
        found = _conflicting_rows(dataset, values, groups, keys)
        assert sorted(found["rid"]) == _conflicts_row_by_row(list(key), key_when, values)
        assert (groups == row_groups(values)).all()
