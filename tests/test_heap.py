"""The collector preflight runs a program under (preflight/heap.py): a full collection's survivors are frozen, so the
next one doesn't walk them again; new garbage is still collected; leaving, nothing stays frozen."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

from preflight.heap import survivors_frozen

REPO = Path(__file__).parent.parent


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_survivors_of_a_full_collection_are_frozen_and_new_cycles_still_collected():
    assert gc.get_freeze_count() == 0
    with survivors_frozen():
        kept = [_Cycle() for _ in range(100)]
        gc.collect()  # a full collection: what survived it is frozen
        frozen = gc.get_freeze_count()
        assert frozen >= len(kept)
        garbage = _Cycle()
        del garbage
        assert gc.collect() >= 1  # a cycle made after the freeze is found and freed
        assert gc.get_freeze_count() >= frozen
    assert gc.get_freeze_count() == 0  # handed back to the collector
    assert _freeze_hook_installed() is False
    del kept


def test_nested_uses_act_as_the_outermost():
    with survivors_frozen():
        with survivors_frozen():
            gc.collect()
        assert gc.get_freeze_count() > 0  # the inner exit unfroze nothing
        assert _freeze_hook_installed()
    assert gc.get_freeze_count() == 0
    assert not _freeze_hook_installed()


def _freeze_hook_installed() -> bool:
    return any(getattr(callback, "__module__", "") == "preflight.heap" for callback in gc.callbacks)


def test_a_library_run_leaves_nothing_frozen():
    from preflight import run

    report = run(REPO / "tests" / "fixtures" / "programs" / "plain_vpc", "dev", policy_pack=REPO / "policies")
    assert report.resources
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()  # paused after the program, resumed on return
    assert not _freeze_hook_installed()


def test_the_benchmark_floors_run_the_dev_stack_under_both_collectors():
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import bench_preflight
    finally:
        sys.path.pop(0)
    for collector in (True, False):
        code = bench_preflight.floor_code("preview", None, collector=collector)
        assert ("survivors_frozen" in code) is collector
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=REPO)
        assert result.returncode == 0, result.stderr
        numbers = json.loads(result.stdout.strip().splitlines()[-1])
        assert numbers["timings"]["program"] > 0


def test_after_the_program_collection_is_paused_until_the_outermost_exit_and_resumed_then():
    from preflight.heap import program_done

    program_done()  # outside any run: nothing to pause
    assert gc.isenabled()
    with survivors_frozen():
        with survivors_frozen():
            program_done()
            assert not gc.isenabled()
        assert not gc.isenabled()  # still inside the command
    assert gc.isenabled()


def test_a_collector_the_caller_disabled_stays_disabled():
    from preflight.heap import program_done

    gc.disable()
    try:
        with survivors_frozen():
            program_done()
        assert not gc.isenabled()
    finally:
        gc.enable()
