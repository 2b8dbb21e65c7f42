"""Part of the year's computation in a forked child: the same results, failures carried back."""

from __future__ import annotations

import dataclasses
import functools
import gc
import os
import pickle

import pandas as pd
import pytest

from nest_eval.config import RunConfig
from nest_eval.domains.forked import Prepared, prepared, started
from nest_eval.domains.year import compute_year
from nest_eval.reporting.disclosure.protect import DisclosureError


def test_the_work_runs_in_another_process_and_its_result_comes_back():
    result = started(lambda: (os.getpid(), pd.DataFrame({"n": [1, 2, 3]})))
    pid, frame = result()
    assert pid != os.getpid()
    pd.testing.assert_frame_equal(frame, pd.DataFrame({"n": [1, 2, 3]}))


def test_the_result_is_waited_for_once_and_given_at_every_call():
    result = started(lambda: [os.getpid()])
    first = result()
    assert result() is first  # the same object: not read again from a child long gone
    failing = started(_refuse)
    for _ in range(2):
        with pytest.raises(_RefusedError, match="no such measure"):
            failing()


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
    assert not alone.agreement.empty and not alone.access.empty  # the domains of a third child
    for field in dataclasses.fields(alone):
        mine, theirs = getattr(forked, field.name), getattr(alone, field.name)
        if isinstance(theirs, pd.DataFrame):  # equal to the last bit, dtypes and index too
            pd.testing.assert_frame_equal(mine, theirs, check_exact=True, obj=field.name)
        else:
            assert pickle.dumps(mine, protocol=5) == pickle.dumps(theirs, protocol=5), field.name


def _imported(module: str) -> tuple[int, bool]:
    import sys

    return os.getpid(), module in sys.modules


def test_a_prepared_child_imports_first_then_does_the_work_it_is_sent():
    import sys

    assert "tabnanny" not in sys.modules  # imported by the child alone
    child = prepared(["tabnanny", "no_such_module_anywhere"])
    pid = child.pid
    assert pid is not None and pid != os.getpid()
    assert child.run(functools.partial(_imported, "tabnanny")) == (pid, True)
    assert "tabnanny" not in sys.modules
    with pytest.raises(ChildProcessError):  # it has ended and been waited for
        os.waitpid(pid, os.WNOHANG)


def test_what_a_prepared_child_imported_is_out_of_the_garbage_collectors_reach():
    before = gc.get_freeze_count()
    assert prepared(["json"]).run(gc.get_freeze_count) > before
    assert gc.get_freeze_count() == before  # this process is left as it was


def test_a_prepared_child_that_is_not_needed_ends_when_closed():
    child = prepared(["json"])
    pid = child.pid
    child.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    child.close()  # closing again does nothing


def test_a_failure_in_the_prepared_child_is_raised_in_the_parent():
    with pytest.raises(_RefusedError, match="no such measure") as raised:
        prepared([]).run(_refuse)
    assert "raised in the forked computation" in "".join(raised.value.__notes__)


def test_a_prepared_child_that_has_died_gives_an_error_not_a_result():
    import signal

    child = prepared([])
    os.kill(child.pid, signal.SIGKILL)
    with pytest.raises(RuntimeError, match="ended without a result"):
        child.run(os.getpid)


def test_work_that_cannot_be_sent_leaves_the_child_to_be_closed():
    import threading

    child = prepared([])
    pid = child.pid
    with pytest.raises(TypeError):
        child.run(functools.partial(id, threading.Lock()))
    assert child.pid == pid  # still waiting: closing it ends it
    child.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_without_a_child_the_work_is_done_here():
    assert Prepared(None).run(os.getpid) == os.getpid()


def test_a_disclosure_refusal_crosses_from_a_child_with_its_cells_and_message():
    refusal = DisclosureError([("pairs", 2025, "Powys")], {("pairs", 2025, "Powys"): ("t",)})
    back = pickle.loads(pickle.dumps(refusal, protocol=5))
    assert type(back) is DisclosureError and str(back) == str(refusal)
    assert back.exposed == refusal.exposed and back.tables == refusal.tables
