"""The pack's process: a pack that never answers is one clear error in bounded time, and is never left running."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from preflight import PolicyPackProcess, PreflightError, run

RAISES = Path(__file__).parent / "fixtures" / "programs" / "raises"


def _silent_pack(root: Path) -> Path:
    """A pack that starts and never prints its port."""
    pack = root / "silent"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n")
    (pack / "__main__.py").write_text("import time\ntime.sleep(120)\n")
    return pack


def _raised_within(seconds: float, call) -> BaseException | None:
    """What `call` raised, from a thread given `seconds`: a hang fails the test instead of hanging the suite."""
    outcome: list[BaseException | None] = []

    def target() -> None:
        try:
            call()
        except BaseException as exc:  # handed to the test
            outcome.append(exc)
        else:
            outcome.append(None)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"still running after {seconds} s"
    return outcome[0]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status").read_text()
    return "State:\tZ" not in status  # a zombie has exited


def test_a_pack_that_prints_no_port_is_one_error_in_its_timeout_and_is_stopped(tmp_path):
    pack = PolicyPackProcess(_silent_pack(tmp_path), startup_timeout=1)
    pack.spawn()
    pid = pack.process._process.pid
    error = _raised_within(10, pack.start)
    assert isinstance(error, PreflightError)
    assert "failed to start: it printed no port within 1 s" in error.message
    assert not _alive(pid)


def test_a_program_that_fails_while_the_pack_starts_is_its_own_error_at_once_and_stops_the_pack(tmp_path):
    pack_dir = _silent_pack(tmp_path)
    error = _raised_within(20, lambda: run(RAISES, "dev", policy_pack=pack_dir))
    assert isinstance(error, PreflightError)
    assert "failed to start" not in error.message  # the program's failure, not the pack's
    silent = [
        pid
        for pid in (int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit())
        if _cmdline(pid).endswith(str(pack_dir))
    ]
    assert not [pid for pid in silent if _alive(pid)]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""
