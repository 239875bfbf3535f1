"""Talk to a policy pack the way the Pulumi engine does: its own process, the analyzer gRPC protocol.

The pack is started from its directory (`python <pack>`), prints the port of its analyzer server on stdout, and is
then asked for its info, configured, and sent `Analyze` for every resource and `AnalyzeStack` once.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import jsonschema
import yaml
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from .engine import Registration
from .errors import PreflightError

LEVELS = {"advisory": 0, "mandatory": 1, "disabled": 2, "remediate": 3}
LEVEL_NAMES = {number: name for name, number in LEVELS.items()}
_GRPC_OPTIONS = [("grpc.max_receive_message_length", 400 * 1024 * 1024)]
CANT_RUN_PREFIX = "can't run policy "
_ANALYZE_WINDOW = 16  # Analyze requests in flight at once


@dataclass(frozen=True)
class PolicyInfo:
    name: str
    description: str
    level: str
    schema: dict[str, Any]  # JSON schema properties of the policy's config
    required: tuple[str, ...]
    initial_level: str | None = None  # from the pack's own `initial_config`
    initial_properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """One diagnostic from the pack: a violation, or (level '') a policy that could not run."""

    policy: str
    level: str
    urn: str
    message: str


@dataclass(frozen=True)
class Verdict:
    findings: list[Finding]
    not_applicable: list[tuple[str, str]]


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


def _struct(value: dict[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update(value)
    return out


class PolicyPackProcess:
    """A running policy pack. Start once, configure and analyze as many stacks as you like, then close."""

    def __init__(self, pack_dir: str | os.PathLike, startup_timeout: float = 60.0) -> None:
        self.pack_dir = Path(pack_dir).resolve()
        self.manifest = _manifest(self.pack_dir)
        self.startup_timeout = startup_timeout
        self._process: subprocess.Popen | None = None
        self._channel: grpc.Channel | None = None
        self._stub: analyzer_pb2_grpc.AnalyzerStub | None = None
        self.name = ""
        self.version = ""
        self.policies: dict[str, PolicyInfo] = {}
        self.startup_seconds = 0.0

    # ---- lifecycle -------------------------------------------------------------------------------------------
    def __enter__(self) -> PolicyPackProcess:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Spawn the pack (if not yet spawned) and wait until it answers."""
        self.spawn()
        self.connect()

    def spawn(self) -> None:
        """Launch the pack's process without waiting for it, so its start overlaps other work."""
        if self._process is not None or self._stub is not None:
            return
        if not (self.pack_dir / "__main__.py").is_file():
            raise PreflightError(f"--policy-pack {self.pack_dir}: not a policy pack (no __main__.py)")
        self._began = time.perf_counter()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the pack process
        self._process = subprocess.Popen(
            [_interpreter(self.manifest, self.pack_dir), "-u", str(self.pack_dir)],
            cwd=self.pack_dir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )

    def connect(self) -> None:
        if self._stub is not None:
            return
        self.spawn()
        port = self._read_port()
        self._channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=_GRPC_OPTIONS)
        self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
        try:
            info = self._stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=self.startup_timeout)
        except grpc.RpcError as exc:
            self.close()
            raise PreflightError(f"policy pack {self.pack_dir} did not answer GetAnalyzerInfo: {exc}") from None
        # Like the CLI, take the version from PulumiPolicy.yaml: a Python pack always reports a placeholder.
        self.name, self.version = info.name, str(self.manifest.get("version") or info.version)
        for policy in info.policies:
            initial = info.initialConfig.get(policy.name)
            initial_properties = json_format.MessageToDict(initial.properties) if initial is not None else {}
            # The proto can't tell "advisory" from "not set": a level given with properties must be non-zero.
            has_level = initial is not None and (initial.enforcementLevel or not initial_properties)
            self.policies[policy.name] = PolicyInfo(
                name=policy.name,
                description=policy.description,
                level=LEVEL_NAMES.get(policy.enforcementLevel, "advisory"),
                schema=json_format.MessageToDict(policy.configSchema.properties),
                required=tuple(policy.configSchema.required),
                initial_level=LEVEL_NAMES[initial.enforcementLevel] if has_level else None,
                initial_properties=initial_properties,
            )
        self.startup_seconds = time.perf_counter() - self._began

    def _read_port(self) -> int:
        assert self._process is not None and self._process.stdout is not None
        line: list[bytes] = []
        reader = threading.Thread(target=lambda: line.append(self._process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(self.startup_timeout)
        text = line[0].decode(errors="replace").strip() if line else ""
        if text.isdigit():
            return int(text)
        if reader.is_alive():
            reason = f"printed no port within {self.startup_timeout:.0f} s"
        elif self._process.poll() is not None:
            reason = f"exited with status {self._process.returncode}"
        else:
            reason = f"printed {text!r} instead of a port"
        stderr = self._stderr_tail()
        self.close()
        last = stderr.strip().splitlines()[-1] if stderr.strip() else "no output on stderr"
        raise PreflightError(f"policy pack {self.pack_dir} failed to start: it {reason}: {last}", detail=stderr)

    def _stderr_tail(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()[-8000:].decode(errors="replace")

    def close(self) -> None:
        if self._channel is not None:
            self._channel.close()
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._process is not None and self._process.stdout is not None:
            self._process.stdout.close()
        self._channel = self._stub = self._process = None

    # ---- protocol --------------------------------------------------------------------------------------------
    @property
    def stub(self) -> analyzer_pb2_grpc.AnalyzerStub:
        if self._stub is None:
            self.connect()
        assert self._stub is not None
        return self._stub

    def configure(
        self,
        policy_config: dict[str, Any] | None,
        *,
        stack: str,
        project: str,
        dry_run: bool,
        config: dict[str, str],
        tags: dict[str, str] | None = None,
    ) -> dict[str, str]:
        """Send the pack its full config, as the CLI does: every policy's level and its properties with defaults.

        Returns the effective level of each policy.
        """
        resolved = resolve_policy_config(self.name, self.policies, policy_config or {})
        request = analyzer_pb2.ConfigureAnalyzerRequest()
        for name, (level, properties) in resolved.items():
            request.policyConfig[name].CopyFrom(
                analyzer_pb2.PolicyConfig(enforcementLevel=LEVELS[level], properties=_struct(properties))
            )
        self._call("Configure", request)
        self._call(
            "ConfigureStack",
            analyzer_pb2.AnalyzerStackConfigureRequest(
                stack=stack,
                project=project,
                organization="organization",
                dry_run=dry_run,
                config=config,
                tags=tags or {},
            ),
        )
        return {name: level for name, (level, _) in resolved.items()}

    def analyze(self, registrations: Iterable[Registration]) -> Verdict:
        """`Analyze` each resource (its inputs), as the engine does during a preview or an update.

        A bounded window of requests is kept in flight, so the pack's worker threads stay busy without
        queueing thousands of calls at once.
        """
        findings: list[Finding] = []
        not_applicable: list[tuple[str, str]] = []
        in_flight: deque[tuple[str, Any]] = deque()
        for reg in registrations:
            if reg.read:  # a read changes nothing, so the engine analyzes it only as part of the stack
                continue
            request = analyzer_pb2.AnalyzeRequest(type=reg.type, properties=reg.inputs, urn=reg.urn, name=reg.name)
            request.options.parent = reg.parent
            in_flight.append((reg.urn, self.stub.Analyze.future(request)))
            if len(in_flight) >= _ANALYZE_WINDOW:
                self._settle(in_flight.popleft(), findings, not_applicable)
        while in_flight:
            self._settle(in_flight.popleft(), findings, not_applicable)
        return Verdict(findings, not_applicable)

    def _settle(self, pending: tuple[str, Any], findings: list[Finding], not_applicable: list[tuple[str, str]]) -> None:
        urn, future = pending
        # Like the engine, attribute a resource policy's finding to the resource analyzed.
        self._collect(self._result(future, "Analyze"), findings, not_applicable, default_urn=urn)

    def analyze_stack(self, registrations: Iterable[Registration]) -> Verdict:
        """`AnalyzeStack` once with every resource, its parent and (property) dependencies."""
        request = analyzer_pb2.AnalyzeStackRequest()
        for reg in registrations:
            resource = request.resources.add(
                type=reg.type,
                properties=reg.outputs,
                urn=reg.urn,
                name=reg.name,
                parent=reg.parent,
                dependencies=reg.dependencies,
            )
            resource.options.parent = reg.parent
            for key, urns in reg.property_dependencies.items():
                resource.propertyDependencies[key].urns.extend(urns)
        findings, not_applicable = [], []
        self._collect(self._call("AnalyzeStack", request), findings, not_applicable)
        return Verdict(findings, not_applicable)

    def _call(self, method: str, request: Any) -> Any:
        return self._result(getattr(self.stub, method).future(request), method)

    def _result(self, future: Any, method: str) -> Any:
        try:
            return future.result()
        except grpc.RpcError as exc:
            detail = exc.details() if hasattr(exc, "details") else str(exc)
            raise PreflightError(
                f"policy pack {self.name or self.pack_dir} failed in {method}: {detail}",
                detail=self._stderr_tail(),
            ) from None

    @staticmethod
    def _collect(
        response: Any, findings: list[Finding], not_applicable: list[tuple[str, str]], default_urn: str = ""
    ) -> None:
        for diag in response.diagnostics:
            urn = diag.urn or default_urn
            if diag.message.startswith(CANT_RUN_PREFIX):
                findings.append(Finding(diag.policyName, "", urn, diag.message))
                continue
            message = diag.message
            if diag.description and message.startswith(diag.description):
                message = message[len(diag.description) :].lstrip("\n") or diag.description
            level = LEVEL_NAMES.get(diag.enforcementLevel, "advisory")
            findings.append(Finding(diag.policyName, level, urn, message))
        for item in response.not_applicable:
            not_applicable.append((item.policy_name, item.reason))


def _level(key: str, value: Any) -> str:
    if not isinstance(value, str) or value not in LEVELS:
        raise PreflightError(
            f"--policy-config {key}: {value!r} is not an enforcement level; allowed: {', '.join(LEVELS)}"
        )
    return value


def _split_entry(key: str, entry: Any) -> tuple[str | None, dict[str, Any]]:
    """A config entry is a level, or an object of properties with an optional `enforcementLevel`."""
    if isinstance(entry, str):
        return _level(key, entry), {}
    if isinstance(entry, dict):
        properties = {k: v for k, v in entry.items() if k != "enforcementLevel"}
        level = _level(f"{key}.enforcementLevel", entry["enforcementLevel"]) if "enforcementLevel" in entry else None
        return level, properties
    raise PreflightError(f"--policy-config {key}: {entry!r} must be an enforcement level or an object of properties")


def _schema_error(policy: str, error: jsonschema.ValidationError) -> PreflightError:
    path = ".".join(str(part) for part in error.absolute_path)
    where = f"{policy}.{path}" if path else policy
    return PreflightError(f"--policy-config {where}: {error.message}")


def resolve_policy_config(
    pack: str, policies: dict[str, PolicyInfo], user: dict[str, Any]
) -> dict[str, tuple[str, dict[str, Any]]]:
    """Merge a `--policy-config` document the way the CLI does, and validate it against each policy's schema.

    Per policy: its default level and schema defaults, then the pack's own initial config, then `all` (a level for
    every policy), then the policy's own entry.
    """
    unknown = sorted(set(user) - set(policies) - {"all"})
    if unknown:
        raise PreflightError(
            f"--policy-config {unknown[0]}: no such policy in pack {pack}; policies: {', '.join(sorted(policies))}"
        )
    all_level, all_properties = _split_entry("all", user["all"]) if "all" in user else (None, {})
    if all_properties:
        raise PreflightError("--policy-config all: only `enforcementLevel` can be set for every policy")
    resolved: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, info in policies.items():
        level = info.initial_level or info.level
        properties = {k: spec["default"] for k, spec in info.schema.items() if "default" in spec}
        properties.update(info.initial_properties)
        level = all_level or level
        if name in user:
            entry_level, entry_properties = _split_entry(name, user[name])
            for key in entry_properties:
                if key not in info.schema:
                    allowed = ", ".join(["enforcementLevel", *sorted(info.schema)])
                    raise PreflightError(f"--policy-config {name}.{key}: unknown property; allowed: {allowed}")
            level = entry_level or level
            properties.update(entry_properties)
        schema = {"type": "object", "properties": info.schema, "required": list(info.required)}
        error = jsonschema.exceptions.best_match(jsonschema.Draft7Validator(schema).iter_errors(properties))
        if error is not None:
            raise _schema_error(name, error)
        resolved[name] = (level, properties)
    return resolved
