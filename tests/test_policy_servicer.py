"""The pack's servicer decodes a stack once per AnalyzeStack and must answer exactly as pulumi_policy's own servicer.

pulumi_policy decodes every resource once per stack policy; `StackOnceServicer` decodes once, straight to the
index's rows, and hands the library an AnalyzeStack request without resources. These tests hold its rows equal to
the ones the index reads from what the library gives a policy, its decoding of every resource equal to the
library's, and its answers byte-for-byte equal to the library's, for our stacks and fixtures in both modes (secrets,
an asset and unknowns among them), with levels and config set, and for a stack the library can't decode, so that a
pulumi_policy or protobuf upgrade that changes either shows up here.
"""

from __future__ import annotations

import contextlib

import pulumi
import pytest
from google.protobuf import json_format
from policy_helpers import PROGRAMS, REPO
from pulumi.runtime.proto import analyzer_pb2
from pulumi_policy import EnforcementLevel, PolicyPack, StackValidationPolicy
from pulumi_policy import policy as sdk_policy
from pulumi_policy.deserialize import SPECIAL_SECRET_SIG, SPECIAL_SIG_KEY, deserialize_properties
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE
from test_policy_decode import exact

from preflight.analyzer import LEVELS, stack_request
from preflight.engine import run_program
from preflight.policy_config import resolve_policy_config
from preflight.project import load_project

CASES = {
    "dev stack": REPO,
    "public tasks": PROGRAMS / "public_tasks",
    "NAT egress": PROGRAMS / "nat_egress",
    "awsx private": PROGRAMS / "awsx_private",
    "external refs": PROGRAMS / "external_refs",
    "stack refs": PROGRAMS / "stack_refs",
    "an asset": PROGRAMS / "computed_outputs",
    "secrets": PROGRAMS / "deploy_checks",
}
# A config that moves levels both ways and sets a policy's properties, as `--policy-config` would.
POLICY_CONFIG = {
    "sensitive-tasks-private": "disabled",
    "vpc-flow-logs": "mandatory",
    "alb-hardening": {"requireAccessLogs": False},
    "alb-sg-internet-ports": {"allowedPorts": [443]},
}
TAGS = {"environment": "production"}


@pytest.fixture(scope="module")
def requests():
    """The AnalyzeStack request of every case, in both modes (the programs run once for the module)."""
    built = {}
    for label, program in CASES.items():
        for mode in ("preview", "update"):
            run = run_program(load_project(program, "dev"), "dev", preview=(mode == "preview"))
            built[f"{label}, {mode}"] = stack_request(run.registrations)
    return built


def _configured(servicer_class, guard, policy_config, dry_run, infos):
    """A servicer configured as preflight configures the pack (every policy's level and properties, stack tags)."""
    servicer = servicer_class(guard.PACK_NAME, "0.1.0", list(guard.ALL_POLICIES), guard.DEFAULT_LEVEL)
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for name, (level, properties) in resolve_policy_config(guard.PACK_NAME, infos, policy_config).items():
        config = analyzer_pb2.PolicyConfig(enforcementLevel=LEVELS[level])
        config.properties.update(properties)
        request.policyConfig[name].CopyFrom(config)
    servicer.Configure(request, None)
    servicer.ConfigureStack(
        analyzer_pb2.AnalyzerStackConfigureRequest(stack="dev", project="t", dry_run=dry_run, tags=TAGS), None
    )
    return servicer


@pytest.mark.parametrize("policy_config", [{}, POLICY_CONFIG], ids=["default levels", "levels and config set"])
def test_answers_equal_the_library_servicers(guard, policy_pack, requests, policy_config):
    from fargate_guard.servicer import StackOnceServicer

    answered = {"diagnostics": 0, "not applicable": 0, "can't run in preview": 0}
    for label, request in requests.items():
        dry_run = label.endswith("preview")
        library = _configured(sdk_policy._PolicyAnalyzerServicer, guard, policy_config, dry_run, policy_pack.policies)
        ours = _configured(StackOnceServicer, guard, policy_config, dry_run, policy_pack.policies)
        expected = library.AnalyzeStack(request, None)
        got = ours.AnalyzeStack(request, None)
        assert got.SerializeToString(deterministic=True) == expected.SerializeToString(deterministic=True), label
        answered["diagnostics"] += len(got.diagnostics)
        answered["not applicable"] += len(got.not_applicable)
        answered["can't run in preview"] += sum("during preview" in d.message for d in got.diagnostics)
    # The cases exercise every kind of answer, so equality is not the equality of two empty responses.
    assert answered["diagnostics"] and answered["not applicable"], answered


def _seen_by_a_policy(servicer, request):
    """What the servicer hands a stack policy: the resources in the library's own form."""
    seen = []
    probe = StackValidationPolicy("probe", "sees the stack", lambda args, report: seen.extend(args.resources))
    with contextlib.suppress(Exception):
        servicer("p", "0.1.0", [probe], EnforcementLevel.ADVISORY).AnalyzeStack(request, None)
    return seen


def _row(row):
    return (row.urn, row.type, row.name, row.parent, row.deps, exact(row.props))


def test_the_stack_decoded_once_is_the_one_the_index_reads_from_the_librarys(guard, requests):
    """The rows the servicer decodes are the rows `Snapshot` makes of the resources the library hands a policy."""
    from fargate_guard.servicer import StackOnceServicer

    # Links to resources outside the stack (the library drops them): the stack resource, every top-level
    # resource's parent, left out, and a property dependency on a resource of another stack.
    dangling = analyzer_pb2.AnalyzeStackRequest()
    dangling.resources.extend(requests["dev stack, preview"].resources[1:])
    assert dangling.resources[0].parent not in {r.urn for r in dangling.resources}
    dangling.resources[0].propertyDependencies["vpcId"].urns.append("urn:pulumi:other::t::aws:ec2/vpc:Vpc::elsewhere")
    for label, request in {**requests, "links outside the stack": dangling}.items():
        library = guard.stack.snapshot.Snapshot(_seen_by_a_policy(sdk_policy._PolicyAnalyzerServicer, request)).rows
        ours = StackOnceServicer.decode_stack(request)
        assert len(ours) == len(library) == len(request.resources), label
        assert [_row(r) for r in ours] == [_row(r) for r in library], label
    rows = StackOnceServicer.decode_stack(requests["dev stack, preview"])
    assert any(r.parent for r in rows) and any(any(r.deps.values()) for r in rows)


def test_every_resource_decodes_as_the_library_decodes_it(guard, requests):
    """`decode.properties` against `deserialize_properties(MessageToDict(...))` on every resource of every case."""
    from fargate_guard.decode import properties

    seen = {"resources": 0, "floats": 0, "unknowns": 0, "secrets": 0, "assets": 0}

    def tally(value):
        if isinstance(value, dict):
            seen["secrets"] += value.get(SPECIAL_SIG_KEY) == SPECIAL_SECRET_SIG
            for v in value.values():
                tally(v)
        elif isinstance(value, list):
            for v in value:
                tally(v)
        else:
            seen["floats"] += type(value) is float
            seen["unknowns"] += value == UNKNOWN_STRING_VALUE

    for label, request in requests.items():
        for r in request.resources:
            raw = json_format.MessageToDict(r.properties)
            ours = properties(r.properties)
            assert exact(ours) == exact(deserialize_properties(raw)), (label, r.urn)
            seen["resources"] += 1
            seen["assets"] += any(isinstance(v, pulumi.Asset) for v in ours.values())
            tally(raw)
    # The cases hold every kind of value the engine sends a pack (resource references aside: pulumi_policy rejects
    # them, and test_policy_decode.py holds that we reject them with the library's own error).
    assert all(seen.values()), seen


def test_policies_under_the_servicer_read_one_index_per_call(guard, policy_pack, requests, monkeypatch):
    from fargate_guard.servicer import StackOnceServicer

    built = []
    original = guard.stack.graph.StackGraph.__init__

    def counting(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(guard.stack.graph.StackGraph, "__init__", counting)
    servicer = _configured(StackOnceServicer, guard, {}, True, policy_pack.policies)
    servicer.AnalyzeStack(requests["dev stack, preview"], None)
    servicer.AnalyzeStack(requests["dev stack, preview"], None)
    assert len(built) == 2  # one per call, not one per policy, and never carried over to the next call


def test_the_pack_is_served_with_the_servicer(guard, monkeypatch):
    """`serve` swaps the servicer PolicyPack builds by its module-level name; PolicyPack must still build it so."""
    from fargate_guard.servicer import StackOnceServicer, serve

    assert "_PolicyAnalyzerServicer" in PolicyPack.__init__.__code__.co_names
    served = []

    class Stop(Exception):
        pass

    def add_servicer(servicer, _server):
        served.append(servicer)
        raise Stop  # before a port is opened and the process blocks

    monkeypatch.setattr(sdk_policy.grpc, "server", lambda *_a, **_k: None)
    monkeypatch.setattr(sdk_policy.analyzer_pb2_grpc, "add_AnalyzerServicer_to_server", add_servicer)
    with pytest.raises(Stop):
        serve(name=guard.PACK_NAME, enforcement_level=guard.DEFAULT_LEVEL, policies=guard.ALL_POLICIES)
    assert [type(s) for s in served] == [StackOnceServicer]
    assert sdk_policy._PolicyAnalyzerServicer is not StackOnceServicer  # restored for anything else in the process


def test_a_stack_policy_written_straight_with_pulumi_policy_still_sees_the_stack(guard, requests):
    """A policy not built by stack_policy reads args.resources: with one in the pack, the library's path runs."""
    from fargate_guard.servicer import StackOnceServicer

    seen = []
    plain = StackValidationPolicy("plain", "counts the stack", lambda args, report: seen.append(len(args.resources)))
    servicer = StackOnceServicer("p", "0.1.0", [*guard.ALL_POLICIES, plain], EnforcementLevel.ADVISORY)
    assert not servicer.decodes_once
    request = requests["dev stack, preview"]
    servicer.AnalyzeStack(request, None)
    assert seen == [len(request.resources)]
    assert StackOnceServicer("p", "0.1.0", list(guard.ALL_POLICIES), EnforcementLevel.ADVISORY).decodes_once


def test_a_stack_the_library_cant_decode_gets_the_librarys_answer(guard, policy_pack, requests):
    """A property the library rejects (a NaN here) fails the call with the library's own error, and when every stack
    policy is disabled, so that the library decodes nothing, both answer the same."""
    from fargate_guard.servicer import StackOnceServicer

    request = analyzer_pb2.AnalyzeStackRequest()
    request.CopyFrom(requests["dev stack, preview"])
    request.resources[0].properties["bad"] = float("nan")
    for policy_config in ({}, {policy.name: "disabled" for policy in guard.ALL_POLICIES}):
        answers = []
        for servicer_class in (sdk_policy._PolicyAnalyzerServicer, StackOnceServicer):
            servicer = _configured(servicer_class, guard, policy_config, True, policy_pack.policies)
            try:
                answers.append(servicer.AnalyzeStack(request, None).SerializeToString(deterministic=True))
            except Exception as exc:  # the call's failure, as gRPC would send it
                answers.append((type(exc), str(exc)))
        assert answers[0] == answers[1], policy_config
    assert isinstance(answers[0], bytes)  # all disabled: an answer, not the error


def test_the_collector_is_paused_for_a_call_only(guard, requests):
    """The servicer turns Python's cyclic collector off while it judges a stack, and back on after, also when the
    call fails; one that was off stays off."""
    import gc

    from fargate_guard.servicer import StackOnceServicer

    during = []

    def check(graph, config, findings):
        during.append(gc.isenabled())

    probe = guard.stack_policy.stack_policy("probe", "sees the collector", EnforcementLevel.ADVISORY, check, "-")
    servicer = StackOnceServicer("p", "0.1.0", [probe], EnforcementLevel.ADVISORY)
    assert gc.isenabled()
    servicer.AnalyzeStack(requests["dev stack, preview"], None)
    assert during == [False] and gc.isenabled()
    broken = analyzer_pb2.AnalyzeStackRequest()
    broken.resources.add(urn="urn:pulumi:dev::t::x:y:Z::a").properties["bad"] = float("nan")
    with pytest.raises(ValueError):
        servicer.AnalyzeStack(broken, None)
    assert gc.isenabled()
    gc.disable()
    try:
        servicer.AnalyzeStack(requests["dev stack, preview"], None)
        assert not gc.isenabled()
    finally:
        gc.enable()
