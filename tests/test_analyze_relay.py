"""`Analyze` goes to the pack from a process of its own (`preflight/analyze_relay.py`) while the program runs.

What the pack answers through it must be what it answers to a direct call; a pack that fails, or a relay that dies,
is one clear error; a failed program leaves no relay behind.
"""

from __future__ import annotations

import textwrap
import threading
import time
from pathlib import Path

import pytest
from google.protobuf import struct_pb2

from preflight import PolicyPackProcess, PreflightError
from preflight.analyze_as_registered import AnalyzeAsRegistered
from preflight.registration import Registration

PROBE_PACK = Path(__file__).parent / "fixtures" / "packs" / "probe"
REPO_PACK = Path(__file__).parent.parent / "policies"
SERVICE = "aws:ecs/service:Service"


def _registration(name: str, public_ip: bool, type_: str = SERVICE, read: bool = False) -> Registration:
    inputs = struct_pb2.Struct()
    inputs.update({"networkConfiguration": {"assignPublicIp": public_ip, "subnets": ["subnet-1"]}, "name": name})
    urn = f"urn:pulumi:dev::t::{type_}::{name}"
    return Registration(urn, type_, name, "", True, inputs, inputs, [], {}, read=read)


def _analysis(pack: PolicyPackProcess) -> AnalyzeAsRegistered:
    return AnalyzeAsRegistered(pack, lambda: pack.configure(None, stack="dev", project="t", dry_run=True, config={}))


def test_the_relay_answers_as_a_direct_call_in_order():
    registrations = [_registration(f"svc{i}", public_ip=i % 3 == 0) for i in range(40)]
    registrations.append(_registration("looked-up", public_ip=True, read=True))  # a read is not analyzed
    with PolicyPackProcess(PROBE_PACK) as pack:
        analysis = _analysis(pack)
        for registration in registrations:
            analysis.add(registration)
        relayed = analysis.finish()
        direct = pack.analyze(registrations)
    assert relayed == direct
    flagged = sorted(f.urn.rsplit("::", 1)[1] for f in relayed.findings)
    assert flagged == sorted(f"svc{i}" for i in range(0, 40, 3))  # each finding on the resource analyzed
    assert {f.level for f in relayed.findings} == {"mandatory"}


def _raising_pack(root: Path) -> Path:
    pack = root / "raising"
    pack.mkdir()
    (pack / "PulumiPolicy.yaml").write_text("runtime: python\nversion: 0.0.1\n")
    (pack / "__main__.py").write_text(
        textwrap.dedent(
            """
            from pulumi_policy import EnforcementLevel, PolicyPack, ResourceValidationPolicy

            def validate(args, report_violation):
                if args.name == "boom":
                    raise RuntimeError("the policy broke on boom")

            PolicyPack(
                name="raising",
                policies=[ResourceValidationPolicy(
                    name="raises", description="Raises on boom.", enforcement_level=EnforcementLevel.MANDATORY,
                    validate=validate,
                )],
            )
            """
        )
    )
    return pack


def test_a_pack_that_fails_in_analyze_is_one_error_naming_the_pack_and_its_message(tmp_path):
    with PolicyPackProcess(_raising_pack(tmp_path)) as pack:
        analysis = _analysis(pack)
        for name in ("fine", "boom", "also-fine"):
            analysis.add(_registration(name, public_ip=False))
        with pytest.raises(PreflightError) as caught:
            analysis.finish()
    assert caught.value.message.startswith("policy pack raising failed in Analyze: ")
    assert "the policy broke on boom" in caught.value.message


def test_a_relay_that_dies_is_one_error_naming_it():
    with PolicyPackProcess(PROBE_PACK) as pack:
        analysis = _analysis(pack)
        analysis.add(_registration("svc", public_ip=True))
        while analysis._relay is None:
            time.sleep(0.02)
        analysis._relay.kill()
        analysis._relay.wait()
        analysis.add(_registration("after", public_ip=True))  # written to a pipe nobody reads any more
        with pytest.raises(PreflightError, match=r"^the Analyze relay to policy pack preflight-probe stopped: "):
            analysis.finish()


def test_a_failed_program_leaves_no_relay_running():
    with PolicyPackProcess(PROBE_PACK) as pack:
        analysis = _analysis(pack)
        for i in range(200):
            analysis.add(_registration(f"svc{i}", public_ip=False))
        while analysis._relay is None:  # the relay is running and being written to
            time.sleep(0.02)
        assert analysis._relay.poll() is None
        analysis.stop()
        pack.close()
        analysis.cancel()
        assert analysis._relay.poll() is not None


def test_a_program_stopped_before_the_pack_is_configured_starts_no_relay():
    with PolicyPackProcess(PROBE_PACK) as pack:
        configured = threading.Event()
        release = threading.Event()

        def configure():
            levels = pack.configure(None, stack="dev", project="t", dry_run=True, config={})
            configured.set()
            release.wait(10)  # the program fails meanwhile
            return levels

        analysis = AnalyzeAsRegistered(pack, configure)
        analysis.add(_registration("svc", public_ip=True))
        assert configured.wait(30)
        analysis.stop()
        release.set()
        analysis.cancel()
        assert analysis._relay is None


def test_a_pack_of_stack_policies_only_is_sent_no_analyze_and_its_verdict_is_what_analyze_would_answer():
    """This repo's pack has no resource policy (GetAnalyzerInfo says POLICY_TYPE_STACK for each): the engine's
    Analyze calls would all be answered empty, so preflight starts no relay and sends none."""
    registrations = [_registration(f"svc{i}", public_ip=True) for i in range(20)]
    with PolicyPackProcess(REPO_PACK) as pack:
        assert pack.policies and not any(info.judges_resources for info in pack.policies.values())
        analysis = _analysis(pack)
        for registration in registrations:
            analysis.add(registration)
        verdict = analysis.finish()
        assert analysis._relay is None
        assert verdict == pack.analyze(registrations)  # what the engine's calls get: nothing


def test_a_pack_whose_resource_policies_are_all_disabled_is_sent_no_analyze_and_answers_alike():
    registrations = [_registration(f"svc{i}", public_ip=True) for i in range(10)]
    disabled = {"probe-no-public-ip": "disabled"}
    with PolicyPackProcess(PROBE_PACK) as pack:
        assert pack.policies["probe-no-public-ip"].judges_resources
        assert not pack.policies["probe-has-subnet"].judges_resources
        analysis = AnalyzeAsRegistered(
            pack, lambda: pack.configure(disabled, stack="dev", project="t", dry_run=True, config={})
        )
        for registration in registrations:
            analysis.add(registration)
        verdict = analysis.finish()
        assert analysis.levels["probe-no-public-ip"] == "disabled"
        assert analysis._relay is None
        assert verdict == pack.analyze(registrations)  # the pack, configured so, answers the calls empty
        assert verdict.findings == []
