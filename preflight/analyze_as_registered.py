"""`Analyze` for each resource as the program registers it, as the engine does during a deployment.

The gRPC client lives in a process of its own (`analyze_relay.py`); this side queues the registrations, writes them
to it, serialized, while the program runs, and reads the answers once the program is done.
"""

from __future__ import annotations

import contextlib
import io
import json
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pulumi.runtime.proto import analyzer_pb2

from . import analyze_relay
from .analyzer import GRPC_OPTIONS, PolicyPackProcess, Verdict
from .errors import PreflightError
from .pack_process import file_tail, last_line
from .registration import Registration


class AnalyzeAsRegistered:
    """`Analyze` each resource as the program registers it, as the engine does during a deployment.

    The gRPC client lives in a process of its own (`analyze_relay`): in this one it would need the interpreter lock
    for every call it starts and every answer it reads, and take it from the program (about a tenth of the run at
    2,041 resources). A background thread waits for the pack to start, configures it (`configure`), then writes
    each registration handed to `add` (queued until then) to the relay, serialized; `finish` reads every answer
    once the program is done. A pack with nothing to judge per resource is sent nothing (`judges_resources`).
    """

    _END = object()
    _PERIOD = 0.05  # seconds between the sender's writes while the program runs

    def __init__(self, pack: PolicyPackProcess, configure: Callable[[], dict[str, str]]) -> None:
        self._pack = pack
        self._configure = configure
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._sent: list[str] = []  # the URN of each request written to the relay, in order
        self._cancelled = False
        self._error: BaseException | None = None
        self.levels: dict[str, str] = {}  # each policy's effective level, once configured
        self.ready_at = 0.0  # perf_counter() when the pack was configured
        self._relay: subprocess.Popen | None = None  # started once the pack is known to judge resources
        self._relay_stderr: Any = None
        self._wake = threading.Event()  # set when the program is done (or failed): send what is left at once
        self._thread = threading.Thread(target=self._work, name="preflight-analyze", daemon=True)
        self._thread.start()

    def add(self, registration: Registration) -> None:
        self._queue.put(registration)

    def _work(self) -> None:
        try:
            self._pack.connect()
            self.levels = self._configure()
            self.ready_at = time.perf_counter()
            if not self._pack.judges_resources(self.levels) or self._cancelled:
                return  # every answer would be empty: nothing to send (see `judges_resources`); or stopped
            self._start_relay()
            setup = {"address": self._pack.address, "options": GRPC_OPTIONS}
            self._write(analyze_relay.frame(json.dumps(setup).encode()))
            ended = False
            while not ended and not self._cancelled:
                # The sender wakes on a timer, not for each registration: woken by each, it would take the
                # interpreter lock from the program thousands of times. What was registered meanwhile is one write.
                self._wake.wait(self._PERIOD)
                batch, ended = self._drain()
                frames = []
                for registration in batch:
                    request = self._pack.analyze_request(registration)
                    if request is not None:
                        self._sent.append(registration.urn)
                        frames.append(analyze_relay.frame(request.SerializeToString()))
                if frames:
                    self._write(b"".join(frames))
        except BaseException as exc:  # handed to the caller in `finish`; after `stop`, the pack is gone on purpose
            if not self._cancelled:
                self._error = exc

    def _start_relay(self) -> None:
        self._relay_stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the relay
        # -P: only the relay's own imports (grpc), never a module of preflight's directory that shadows one.
        try:
            self._relay = subprocess.Popen(
                [sys.executable, "-P", str(Path(analyze_relay.__file__))],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._relay_stderr,
            )
        except OSError as exc:
            raise PreflightError(f"the Analyze relay to policy pack {self._pack.name} could not start: {exc}") from None

    def _drain(self) -> tuple[list[Registration], bool]:
        """The registrations queued so far, and whether the end was among them."""
        batch = []
        with contextlib.suppress(queue.Empty):
            while (item := self._queue.get_nowait()) is not self._END:
                batch.append(item)
            return batch, True
        return batch, False

    def _write(self, data: bytes) -> None:
        assert self._relay is not None and self._relay.stdin is not None
        try:
            self._relay.stdin.write(data)
            self._relay.stdin.flush()
        except (OSError, ValueError):  # its end of the pipe is closed: it has died
            self._relay.wait()
            raise self._relay_failure() from None

    def finish(self) -> Verdict:
        """Wait for the answer to every registration added; an error of the pack is raised here."""
        self._queue.put(self._END)
        self._wake.set()
        self._thread.join()
        if self._error is not None:
            self._stop_relay()
            raise self._error
        if self._relay is None:
            return self._pack.verdict([])
        output, _ = self._relay.communicate()
        try:
            answers = list(analyze_relay.read_answers(io.BytesIO(output)))
        except EOFError:  # cut short: it died while writing
            answers = []
        if self._relay.returncode != 0 or len(answers) != len(self._sent):
            raise self._relay_failure()
        responses = []
        for urn, (status, body) in zip(self._sent, answers, strict=True):
            if status:
                raise self._pack.failure("Analyze", body.decode(errors="replace"))
            responses.append((urn, analyzer_pb2.AnalyzeResponse.FromString(body)))
        return self._pack.verdict(responses)

    def _relay_failure(self) -> PreflightError:
        assert self._relay is not None
        stderr = file_tail(self._relay_stderr)
        last = last_line(stderr, f"exit status {self._relay.returncode}")
        return PreflightError(f"the Analyze relay to policy pack {self._pack.name} stopped: {last}", detail=stderr)

    def _stop_relay(self) -> None:
        if self._relay is None:
            return
        if self._relay.poll() is None:
            self._relay.kill()
        self._relay.wait()
        for stream in (self._relay.stdin, self._relay.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def stop(self) -> None:
        """The program failed: send nothing more (returns at once; the pack may then be closed under the sender)."""
        self._cancelled = True
        self._queue.put(self._END)
        self._wake.set()

    def cancel(self) -> None:
        """The program failed: stop analyzing and wait for the sender, without raising."""
        self.stop()
        self._stop_relay()  # a sender blocked writing to the relay is released by its end
        self._thread.join()
        self._stop_relay()  # one the sender started meanwhile
