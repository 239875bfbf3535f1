"""Talk to a policy pack the way the Pulumi engine does: its own process, the analyzer gRPC protocol.

The pack is started (see `pack_process`), asked for its info, configured, and sent `Analyze` for every resource and
`AnalyzeStack` once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from .errors import PreflightError
from .pack_process import PackProcess
from .policy_config import LEVEL_NAMES, LEVELS, PolicyInfo, resolve_policy_config
from .registration import Registration

GRPC_OPTIONS = [("grpc.max_receive_message_length", 400 * 1024 * 1024)]
CANT_RUN_PREFIX = "can't run policy "


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


def _struct(value: dict[str, Any]) -> struct_pb2.Struct:
    out = struct_pb2.Struct()
    out.update(value)
    return out


def _policy_info(policy: Any, initial_config: Any) -> PolicyInfo:
    initial = initial_config.get(policy.name)
    initial_properties = json_format.MessageToDict(initial.properties) if initial is not None else {}
    # The proto can't tell "advisory" from "not set": a level given with properties must be non-zero.
    has_level = initial is not None and (initial.enforcementLevel or not initial_properties)
    return PolicyInfo(
        name=policy.name,
        description=policy.description,
        level=LEVEL_NAMES.get(policy.enforcementLevel, "advisory"),
        schema=json_format.MessageToDict(policy.configSchema.properties),
        required=tuple(policy.configSchema.required),
        initial_level=LEVEL_NAMES[initial.enforcementLevel] if has_level else None,
        initial_properties=initial_properties,
        judges_resources=policy.policy_type != analyzer_pb2.POLICY_TYPE_STACK,
    )


def stack_request(registrations: Iterable[Registration]) -> analyzer_pb2.AnalyzeStackRequest:
    """The `AnalyzeStack` request the engine sends: every resource with its outputs, parent and dependencies."""
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
    return request


class PolicyPackProcess:
    """A running policy pack, spoken to over the analyzer protocol. Start once, configure and analyze as many stacks
    as you like, then close."""

    def __init__(self, pack_dir: str | os.PathLike, startup_timeout: float = 60.0) -> None:
        self.process = PackProcess(pack_dir, startup_timeout)
        self.pack_dir = self.process.pack_dir
        self._channel: grpc.Channel | None = None
        self._stub: analyzer_pb2_grpc.AnalyzerStub | None = None
        self.name = ""
        self.version = ""
        self.policies: dict[str, PolicyInfo] = {}
        self.startup_seconds = 0.0
        self.address = ""  # host:port of the pack's analyzer server, once connected
        self._closed = False

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
        if self._stub is None:
            self.process.spawn()

    def connect(self) -> None:
        """Wait for the pack's server and read its info: name, version, policies and their config schemas."""
        if self._stub is not None:
            return
        if self._closed:  # never start a second pack process behind the caller's back
            raise PreflightError(f"policy pack {self.name or self.pack_dir} was closed")
        self.address = f"127.0.0.1:{self.process.port()}"
        self._channel = grpc.insecure_channel(self.address, options=GRPC_OPTIONS)
        self._stub = analyzer_pb2_grpc.AnalyzerStub(self._channel)
        try:
            info = self._stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=self.process.startup_timeout)
        except grpc.RpcError as exc:
            self.close()
            raise PreflightError(f"policy pack {self.pack_dir} did not answer GetAnalyzerInfo: {exc}") from None
        # Like the CLI, take the version from PulumiPolicy.yaml: a Python pack always reports a placeholder.
        self.name, self.version = info.name, str(self.process.manifest.get("version") or info.version)
        self.policies = {policy.name: _policy_info(policy, info.initialConfig) for policy in info.policies}
        self.startup_seconds = time.perf_counter() - self.process.began

    def close(self, wait: bool = True) -> None:
        """Stop the pack; without `wait`, its exit finishes in the background (see `PackProcess.stop`)."""
        self._closed = True
        if self._channel is not None:
            self._channel.close()
        self._channel = self._stub = None
        self.process.stop(wait)

    @property
    def stub(self) -> analyzer_pb2_grpc.AnalyzerStub:
        if self._stub is None:
            self.connect()  # raises if the pack was closed
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
        """`Analyze` each resource (its inputs), as the engine does during a preview or an update, from this process
        (a run sends them through `AnalyzeAsRegistered` instead): every call is sent, then every answer read."""
        sent = [
            (reg.urn, self.stub.Analyze.future(request))
            for reg in registrations
            if (request := self.analyze_request(reg)) is not None
        ]
        return self.verdict((urn, self._result(future, "Analyze")) for urn, future in sent)

    def judges_resources(self, levels: dict[str, str]) -> bool:
        """Whether `Analyze` can find anything: a policy the pack doesn't call a stack policy and that isn't
        disabled. The engine sends `Analyze` for every resource regardless; a pack's server runs only its resource
        policies there (pulumi_policy's `Analyze` skips every other kind and disabled ones and answers empty), so
        when there are none, preflight sends nothing and takes the empty answers as given."""
        return any(info.judges_resources and levels.get(name) != "disabled" for name, info in self.policies.items())

    @staticmethod
    def analyze_request(reg: Registration) -> analyzer_pb2.AnalyzeRequest | None:
        """The `Analyze` request the engine sends for one resource, or None for a resource read: a read changes
        nothing, so the engine analyzes it only as part of the stack."""
        if reg.read:
            return None
        request = analyzer_pb2.AnalyzeRequest(type=reg.type, properties=reg.inputs, urn=reg.urn, name=reg.name)
        request.options.parent = reg.parent
        return request

    def verdict(self, responses: Iterable[tuple[str, Any]]) -> Verdict:
        """The verdict of `Analyze` answers, as (URN of the resource analyzed, `AnalyzeResponse`) pairs."""
        findings: list[Finding] = []
        not_applicable: list[tuple[str, str]] = []
        for urn, response in responses:
            # Like the engine, attribute a resource policy's finding to the resource analyzed.
            self._collect(response, findings, not_applicable, default_urn=urn)
        return Verdict(findings, not_applicable)

    def analyze_stack(self, registrations: Iterable[Registration]) -> Verdict:
        """`AnalyzeStack` once with every resource, its parent and (property) dependencies."""
        return self.start_analyze_stack(registrations)()

    def start_analyze_stack(self, registrations: Iterable[Registration]) -> Callable[[], Verdict]:
        """Send `AnalyzeStack` and return at once; call the result to wait for the verdict. The pack judges the
        stack in its own process meanwhile."""
        future = self.stub.AnalyzeStack.future(stack_request(registrations))

        def verdict() -> Verdict:
            findings: list[Finding] = []
            not_applicable: list[tuple[str, str]] = []
            self._collect(self._result(future, "AnalyzeStack"), findings, not_applicable)
            return Verdict(findings, not_applicable)

        return verdict

    def _call(self, method: str, request: Any) -> Any:
        return self._result(getattr(self.stub, method).future(request), method)

    def _result(self, future: Any, method: str) -> Any:
        try:
            return future.result()
        except grpc.RpcError as exc:
            raise self.failure(method, exc.details() if hasattr(exc, "details") else str(exc)) from None

    def failure(self, method: str, detail: str) -> PreflightError:
        """The error for a failed call, with the pack's stderr for --verbose."""
        return PreflightError(
            f"policy pack {self.name or self.pack_dir} failed in {method}: {detail}", detail=self.process.stderr_tail()
        )

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
