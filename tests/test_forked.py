"""Part of the year's computation in a forked child: the same results, failures carried back."""

from __future__ import annotations

import dataclasses
import os
import pickle

import pandas as pd
import pytest

from nest_eval.config import RunConfig
from nest_eval.domains.forked import started
from nest_eval.domains.year import compute_year


def test_the_work_runs_in_another_process_and_its_result_comes_back():
    result = started(lambda: (os.getpid(), pd.DataFrame({"n": [1, 2, 3]})))
    pid, frame = result()
    assert pid != os.getpid()
    pd.testing.assert_frame_equal(frame, pd.DataFrame({"n": [1, 2, 3]}))


def test_without_forking_the_work_runs_here():
    assert started(os.getpid, fork=False)() == os.getpid()


class _RefusedError(ValueError):
    pass


def _refuse() -> None:
    raise _RefusedError("no such measure: XYZ")


def test_a_failure_in_the_child_is_raised_in_the_parent_with_where_it_happened():
    with pytest.raises(_RefusedError, match="no such measure") as raised:
        started(_refuse)()
    assert "raised in the forked computation" in "".join(raised.value.__notes__)
    assert "_refuse" in "".join(raised.value.__notes__)


def test_an_exception_that_cannot_be_pickled_comes_back_as_its_message():
    def refuse_with_a_lock():
        import threading

        raise _RefusedError(threading.Lock())

    with pytest.raises(RuntimeError, match="_RefusedError"):
        started(refuse_with_a_lock)()


def test_the_year_computed_with_a_forked_child_is_the_year_computed_in_one_process(demo_data):
    config = RunConfig(year=2025)
    forked = compute_year(demo_data, config, fork=True)
    alone = compute_year(demo_data, config)
    assert not alone.breakdowns.empty
    pd.testing.assert_frame_equal(forked.breakdowns, alone.breakdowns)
    assert not alone.change_per_year.empty  # the mixed models, fitted in the other child
    for field in dataclasses.fields(alone):
        mine, theirs = getattr(forked, field.name), getattr(alone, field.name)
        if isinstance(theirs, pd.DataFrame):  # equal to the last bit, dtypes and index too
            pd.testing.assert_frame_equal(mine, theirs, check_exact=True, obj=field.name)
        else:
            assert pickle.dumps(mine, protocol=5) == pickle.dumps(theirs, protocol=5), field.name
