"""How the program's heap is collected while it runs: survivors of a full collection are not walked again.

A Pulumi program under the mocks builds a heap that only grows: resources, their Outputs, futures and the SDK's
bookkeeping, alive until the end. CPython 3.11 runs a full (generation 2) collection whenever the objects that
survived since the last one reach a quarter of the older ones, and each pass walks the whole heap again while it
finds almost nothing to free: at 2,041 resources 11 full passes took about half of the program's run (measured with
`gc.callbacks`, README "Performance"). After each full pass, `survivors_frozen` moves what survived it to the
permanent generation (`gc.freeze`), so the next pass walks only what is new. Young collections are unchanged and
garbage made after a pass is collected as before; what was alive at a pass and dies later stays in memory until
the run ends, which is where such a program's objects die anyway. Leaving, the frozen objects are handed back to
the collector (`gc.unfreeze`, which unfreezes whatever was frozen, the caller's too: freezing only saves work), so
a process that runs many programs (the tests) keeps nothing of them.

This file imports only the standard library: the benchmark's floor loads it by path, so that the floor runs the
program under the same collector as preflight and the ratio counts only preflight's own work.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


def _freeze_after_full_collection(phase: str, info: dict[str, int]) -> None:
    if phase == "stop" and info["generation"] == 2:
        gc.freeze()


_depth = 0  # nested uses (the command around the run) act as one, the outermost
_paused = False  # automatic collection paused by `program_done`, resumed by the outermost exit


@contextlib.contextmanager
def survivors_frozen() -> Iterator[None]:
    """While inside, each full collection's survivors are frozen; leaving the outermost, everything is unfrozen.

    Unfrozen, the heap is walked again by the next full collection: the command keeps it frozen until its report
    is written, so that such a walk doesn't land in the deploy checks or the report.
    """
    global _depth
    _depth += 1
    if _depth == 1:
        gc.callbacks.append(_freeze_after_full_collection)
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            gc.callbacks.remove(_freeze_after_full_collection)
            gc.unfreeze()
            _resume()


def program_done() -> None:
    """The program has run: pause automatic collection until the outermost `survivors_frozen` exits.

    What is left (the deploy checks, the report) adds a bounded amount of mostly acyclic objects, freed by their
    reference counts, to a heap about to be dropped; collections there found nothing and cost 20-100 ms at 2,041
    resources, next to the pack's AnalyzeStack. Outside `survivors_frozen` this does nothing.
    """
    global _paused
    if _depth and gc.isenabled():
        gc.disable()
        _paused = True


def _resume() -> None:
    global _paused
    if _paused:
        gc.enable()
        _paused = False
