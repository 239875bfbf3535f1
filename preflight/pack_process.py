"""A policy pack's process, as the engine starts it: `python <pack>` in the pack's directory, then read its port.

Only the process's life: spawn, wait for the port it prints, keep its stderr for error messages, stop it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import yaml

from .errors import PreflightError


def _manifest(pack_dir: Path) -> dict[str, Any]:
    try:
        manifest = yaml.safe_load((pack_dir / "PulumiPolicy.yaml").read_text()) or {}
    except (OSError, yaml.YAMLError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _interpreter(manifest: dict[str, Any], pack_dir: Path) -> str:
    """The pack's own virtualenv if PulumiPolicy.yaml names one that exists, else this interpreter."""
    runtime = manifest.get("runtime")
    options = runtime.get("options") if isinstance(runtime, dict) else None
    venv = options.get("virtualenv") if isinstance(options, dict) else None
    candidate = pack_dir / str(venv) / "bin" / "python" if venv else None
    return str(candidate) if candidate and candidate.exists() else sys.executable


class PackProcess:
    """The pack's operating-system process. `spawn` returns at once, so the pack boots while other work runs."""

    def __init__(self, pack_dir: str | os.PathLike, startup_timeout: float = 60.0) -> None:
        self.pack_dir = Path(pack_dir).resolve()
        self.manifest = _manifest(self.pack_dir)
        self.startup_timeout = startup_timeout
        self._process: subprocess.Popen | None = None
        self._stderr: Any = None
        self.began = 0.0

    @property
    def spawned(self) -> bool:
        return self._process is not None

    def spawn(self) -> None:
        if self._process is not None:
            return
        if not (self.pack_dir / "__main__.py").is_file():
            raise PreflightError(f"--policy-pack {self.pack_dir}: not a policy pack (no __main__.py)")
        self.began = time.perf_counter()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the pack process
        self._process = subprocess.Popen(
            [_interpreter(self.manifest, self.pack_dir), "-u", str(self.pack_dir)],
            cwd=self.pack_dir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )

    def port(self) -> int:
        """Wait for the port the pack's analyzer server prints on stdout; a pack that fails to start is one error."""
        self.spawn()
        assert self._process is not None and self._process.stdout is not None
        process = self._process
        line: list[bytes] = []
        reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(self.startup_timeout)
        text = line[0].decode(errors="replace").strip() if line else ""
        if text.isdigit():
            return int(text)
        if not reader.is_alive() and not text:
            # Its stdout closed: it is exiting; let it finish, so its status can be told.
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(5)
        if reader.is_alive():
            reason = f"printed no port within {self.startup_timeout:.0f} s"
        elif process.poll() is not None:
            reason = f"exited with status {process.returncode}"
        else:
            reason = f"printed {text!r} instead of a port"
        stderr = self.stderr_tail()
        self.stop()
        last = last_line(stderr, "no output on stderr")
        raise PreflightError(f"policy pack {self.pack_dir} failed to start: it {reason}: {last}", detail=stderr)

    def stderr_tail(self) -> str:
        return "" if self._stderr is None else file_tail(self._stderr)

    def stop(self, wait: bool = True) -> None:
        """Stop the pack: SIGTERM, then SIGKILL if it is still there after 5 s. Without `wait`, that happens in
        the background (the run's report doesn't wait for the pack's exit), and a pack still exiting when this
        process exits is killed then."""
        process, self._process = self._process, None
        if process is None:
            return
        # Stopped first: closing its stdout waits for a reader blocked on it (`port`) until the pack exits.
        if process.poll() is None:
            process.terminate()
        if wait:
            _reap(process)
            return
        _EXITING.add(process)
        threading.Thread(target=_reap, args=(process,), name="preflight-pack-exit", daemon=True).start()


def file_tail(file: Any) -> str:
    """The last 8,000 bytes a child process wrote to `file` (a temporary file holding its stderr), as text."""
    file.seek(0)
    return file.read()[-8000:].decode(errors="replace")


def last_line(text: str, otherwise: str) -> str:
    """The last line of a child's stderr, for a one-line error; `otherwise` when it wrote nothing."""
    return text.strip().splitlines()[-1] if text.strip() else otherwise


# Packs told to stop whose exit nobody waits for; killed, if still there, when this process exits.
_EXITING: set[subprocess.Popen] = set()


def _reap(process: subprocess.Popen) -> None:
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()
    _EXITING.discard(process)


@atexit.register
def _kill_exiting() -> None:
    for process in list(_EXITING):
        if process.poll() is None:
            process.kill()
