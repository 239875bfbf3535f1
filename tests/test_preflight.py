"""preflight itself: the mock run, the analyzer protocol, the report formats and the exit codes.

These tests use a tiny probe pack (tests/fixtures/packs/probe) and plain pulumi_aws programs, so they say
nothing about this repo's own policies or patterns.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from google.protobuf import json_format

from preflight import PolicyPackProcess, PreflightError, run
from preflight.engine import run_program
from preflight.fakes import availability_zones
from preflight.project import SECRET_PLACEHOLDER, load_project

FIXTURES = Path(__file__).parent / "fixtures"
PROBE_PACK = FIXTURES / "packs" / "probe"
BROKEN_PACK = FIXTURES / "packs" / "broken"
PLAIN_VPC = FIXTURES / "programs" / "plain_vpc"
LOOKUPS = FIXTURES / "programs" / "lookups"
RAISES = FIXTURES / "programs" / "raises"
REPO = Path(__file__).parent.parent
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


@pytest.fixture(scope="module")
def probe():
    with PolicyPackProcess(PROBE_PACK) as pack:
        yield pack


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "preflight", "--quiet", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _by_name(registrations):
    return {r.name: r for r in registrations}


# ---- the mock run --------------------------------------------------------------------------------------------
def test_preview_mode_leaves_computed_ids_unknown_and_keeps_property_dependencies():
    project = load_project(PLAIN_VPC, "dev")
    regs = _by_name(run_program(project, "dev", preview=True).registrations)
    subnet = json_format.MessageToDict(regs["app-a"].inputs)
    assert subnet["vpcId"] == UNKNOWN
    assert regs["app-a"].property_dependencies["vpcId"] == [regs["main"].urn]
    service = regs["web"]
    assert set(service.property_dependencies["networkConfiguration"]) == {regs["app-a"].urn, regs["app"].urn}


def test_update_mode_gives_deterministic_ids_shaped_per_type_and_consistent_links():
    project = load_project(PLAIN_VPC, "dev")
    first = _by_name(run_program(project, "dev", preview=False).registrations)
    second = _by_name(run_program(project, "dev", preview=False).registrations)
    vpc = json_format.MessageToDict(first["main"].outputs)
    subnet = json_format.MessageToDict(first["app-a"].outputs)
    assert vpc["id"].startswith("vpc-0") and len(vpc["id"]) == len("vpc-0") + 16
    assert subnet["id"].startswith("subnet-0")
    assert subnet["vpcId"] == vpc["id"]
    assert vpc["mainRouteTableId"].startswith("rtb-0")
    cluster = json_format.MessageToDict(first["cluster"].outputs)
    assert cluster["arn"].startswith("arn:aws:ecs:eu-west-1:123456789012:")
    assert json_format.MessageToDict(second["main"].outputs)["id"] == vpc["id"]


def test_stack_config_is_read_with_structured_values_and_secrets_as_placeholders():
    project = load_project(PLAIN_VPC, "dev")
    assert json.loads(project.config.values["plain-vpc:settings"])["cidr"] == "10.20.0.0/16"
    assert project.config.values["plain-vpc:dbPassword"] == SECRET_PLACEHOLDER
    assert project.config.secret_keys == ["plain-vpc:dbPassword"]
    assert project.region == "eu-west-1"
    regs = _by_name(run_program(project, "dev", preview=True).registrations)
    assert json_format.MessageToDict(regs["main"].inputs)["cidrBlock"] == "10.20.0.0/16"


def test_availability_zones_follow_the_configured_region():
    project = load_project(PLAIN_VPC, "dev")
    regs = _by_name(run_program(project, "dev", preview=True).registrations)
    assert json_format.MessageToDict(regs["app-a"].inputs)["availabilityZone"] == "eu-west-1a"
    assert availability_zones("us-east-1") == [f"us-east-1{c}" for c in "abcdef"]


def test_common_invokes_are_answered_and_an_unknown_invoke_is_a_diagnostic(probe):
    report = run(LOOKUPS, "dev", "update", pack=probe)
    assert report.diagnostics == [
        "invoke aws:ec2/getInstanceType:getInstanceType is not simulated by preflight; the program got an empty result"
    ]
    project = load_project(LOOKUPS, "dev")
    regs = _by_name(run_program(project, "dev", preview=False).registrations)
    role = json_format.MessageToDict(regs["task"].inputs)
    assert json.loads(role["assumeRolePolicy"])["Statement"][0]["Principal"] == {"Service": ["ecs-tasks.amazonaws.com"]}
    assert json_format.MessageToDict(regs["in-default-vpc"].inputs)["vpcId"].startswith("vpc-0")


def test_project_level_config_defaults_apply_under_the_stack_file():
    project = load_project(LOOKUPS, "dev")
    assert project.config.values["lookups:roleName"] == "task-role"
    regs = _by_name(run_program(project, "dev", preview=True).registrations)
    assert json_format.MessageToDict(regs["task"].inputs)["name"] == "task-role"
    overridden = load_project(LOOKUPS, "dev", overlay={"roleName": "custom"})
    assert overridden.config.values["lookups:roleName"] == "custom"


def test_a_resource_read_with_get_is_in_the_stack_with_known_outputs_but_not_analyzed_as_a_change(probe):
    project = load_project(LOOKUPS, "dev")
    (shared,) = [r for r in run_program(project, "dev", preview=True).registrations if r.name == "shared"]
    assert shared.read and json_format.MessageToDict(shared.outputs)["id"] == "vpc-0123456789abcdef0"
    report = run(LOOKUPS, "dev", "preview", pack=probe)
    assert ("aws:ec2/vpc:Vpc", "shared") in {(r.type, r.name) for r in report.resources}
    assert not [d for d in report.diagnostics if "probe-vpc-arns" in d]  # its ARN is known, even in preview


def test_a_program_that_logs_an_error_fails_like_the_cli(probe):
    with pytest.raises(PreflightError) as caught:
        run(LOOKUPS, "dev", "preview", pack=probe, config={"logError": True})
    assert caught.value.message == "program logged an error: quota check failed: 3 NAT gateways requested, 2 allowed"


def test_program_main_directory_is_honoured_and_its_exception_names_file_and_line():
    with pytest.raises(PreflightError) as caught:
        run_program(load_project(RAISES, "dev"), "dev", preview=True)
    assert caught.value.message == ("program failed: ValueError: subnet count must be positive (at src/__main__.py:4)")


def test_missing_stack_file_names_the_stack_and_the_stacks_that_exist():
    with pytest.raises(PreflightError, match=r"--stack prod: no stack file Pulumi.prod.yaml .* stacks here: dev"):
        load_project(PLAIN_VPC, "prod")


# ---- the analyzer protocol -----------------------------------------------------------------------------------
def test_policy_that_reads_an_id_cannot_run_during_preview_and_does_not_pass(probe):
    report = run(PLAIN_VPC, "dev", "preview", pack=probe)
    assert not [v for v in report.violations if v.policy == "probe-vpc-ids-known"]
    assert any(
        d.startswith("can't run policy 'probe-vpc-ids-known'") and "during preview" in d for d in report.diagnostics
    )


def test_computed_outputs_are_unknown_to_stack_policies_in_preview_and_known_in_update(probe):
    preview = run(PLAIN_VPC, "dev", "preview", pack=probe)
    assert [d for d in preview.diagnostics if d.startswith("can't run policy 'probe-vpc-arns'")]
    assert not [v for v in preview.violations if v.policy == "probe-vpc-arns"]
    update = run(PLAIN_VPC, "dev", "update", pack=probe)
    assert not [d for d in update.diagnostics if "probe-vpc-arns" in d]
    assert not [v for v in update.violations if v.policy == "probe-vpc-arns"]


def test_same_policy_runs_in_update_mode_once_ids_are_known(probe):
    report = run(PLAIN_VPC, "dev", "update", pack=probe)
    assert not [d for d in report.diagnostics if "probe-vpc-ids-known" in d]
    assert not [v for v in report.violations if v.policy == "probe-vpc-ids-known"]


def test_resource_policy_violation_names_the_resource_urn_and_level(probe):
    report = run(PLAIN_VPC, "dev", "preview", pack=probe)
    assert report.pack == "preflight-probe@0.3.0"  # the version in PulumiPolicy.yaml, as the CLI shows it
    web = next(r for r in report.resources if r.name == "web")
    assert [(v.policy, v.level, v.urn) for v in report.violations] == [("probe-no-public-ip", "mandatory", web.urn)]
    # The pack's own initial_config overrides the schema default ("sensitive").
    assert report.violations[0].message == "service web gets a public IP (tag=from-initial-config)"
    assert report.exit_code == 1


def test_policy_config_sets_levels_and_properties_with_schema_defaults(probe):
    report = run(
        PLAIN_VPC,
        "dev",
        "preview",
        pack=probe,
        policy_config={"probe-no-public-ip": {"enforcementLevel": "advisory", "tag": "internal"}},
    )
    assert [(v.level, v.message) for v in report.violations] == [
        ("advisory", "service web gets a public IP (tag=internal)")
    ]
    assert report.exit_code == 0
    disabled = run(PLAIN_VPC, "dev", "preview", pack=probe, policy_config={"all": "disabled"})
    assert disabled.violations == [] and not [d for d in disabled.diagnostics if "can't run" in d]
    advisory = run(PLAIN_VPC, "dev", "preview", pack=probe, policy_config={"all": {"enforcementLevel": "advisory"}})
    assert [v.level for v in advisory.violations] == ["advisory"]


def test_config_overlay_changes_the_program_input(probe):
    report = run(PLAIN_VPC, "dev", "update", pack=probe, config={"plain-vpc:publicIp": False})
    assert report.violations == []


@pytest.mark.parametrize(
    ("policy_config", "expected"),
    [
        (
            {"no-such-policy": "mandatory"},
            "--policy-config no-such-policy: no such policy in pack preflight-probe",
        ),
        (
            {"probe-no-public-ip": "fatal"},
            "--policy-config probe-no-public-ip: 'fatal' is not an enforcement level",
        ),
        (
            {"probe-no-public-ip": {"colour": "red"}},
            "--policy-config probe-no-public-ip.colour: unknown property",
        ),
        (
            {"probe-no-public-ip": {"names": ["web", 2]}},
            "--policy-config probe-no-public-ip.names.1: 2 is not of type 'string'",
        ),
        (
            {"all": {"enforcementLevel": "advisory", "tag": "x"}},
            "--policy-config all: only `enforcementLevel` can be set for every policy",
        ),
    ],
)
def test_bad_policy_config_is_one_clear_error(probe, policy_config, expected):
    with pytest.raises(PreflightError) as caught:
        run(PLAIN_VPC, "dev", "preview", pack=probe, policy_config=policy_config)
    assert caught.value.message.startswith(expected)


def test_stack_tags_reach_the_pack_and_each_run_is_configured_afresh(probe):
    tagged = run(LOOKUPS, "dev", "preview", pack=probe, stack_tags={"environment": "production", "team": "a"})
    assert [(v.policy, v.message) for v in tagged.violations] == [
        ("probe-stack-tags", "stack tags: {'environment': 'production', 'team': 'a'}")
    ]
    assert run(LOOKUPS, "dev", "preview", pack=probe).violations == []


def test_this_repos_program_runs_twice_in_one_process(probe):
    """The repo keeps its virtualenv inside the program directory; the SDK and provider must stay loaded."""
    first = run(REPO, "dev", "preview", pack=probe)
    second = run(REPO, "dev", "update", pack=probe)
    assert len(first.resources) == len(second.resources) > 20
    assert [r.urn for r in first.resources] == [r.urn for r in second.resources]  # sorted: reports diff cleanly


def test_not_applicable_is_reported_not_passed(probe):
    report = run(LOOKUPS, "dev", "preview", pack=probe)
    assert report.not_applicable == [("probe-has-subnet", "the stack has no subnet")]


# ---- the command line ----------------------------------------------------------------------------------------
def test_cli_json_follows_the_contract_and_exits_1_on_a_mandatory_violation():
    result = _cli("--program", str(PLAIN_VPC), "--policy-pack", str(PROBE_PACK), "--format", "json")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {
        "schemaVersion",
        "stack",
        "mode",
        "region",
        "pack",
        "exitCode",
        "counts",
        "timings",
        "resources",
        "violations",
        "deployFindings",
        "notApplicable",
        "diagnostics",
        "topology",
        "cost",
    }
    assert (document["stack"], document["mode"], document["region"]) == ("dev", "preview", "eu-west-1")
    assert document["pack"] == {"name": "preflight-probe", "version": "0.3.0"}
    assert document["exitCode"] == 1 and document["counts"]["mandatory"] == 1
    assert document["counts"]["resources"] == len(document["resources"])
    assert {"program", "analyze", "analyze_stack"} <= set(document["timings"])
    assert {tuple(sorted(r)) for r in document["resources"]} == {
        ("dependencies", "inputsHash", "name", "parent", "position", "type", "urn")
    }
    assert document["violations"][0]["level"] == "mandatory"
    assert set(document["violations"][0]) == {"policy", "level", "urn", "message"}


def test_cli_text_shows_tree_violations_and_summary_and_exits_0_when_only_advisory(tmp_path):
    config = tmp_path / "policy-config.json"
    config.write_text(json.dumps({"probe-no-public-ip": "advisory"}))
    result = _cli(
        "--program",
        str(PLAIN_VPC),
        "--policy-pack",
        str(PROBE_PACK),
        "--policy-config",
        str(config),
        "--stack-tag",
        "team=platform",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "plain-vpc-dev (pulumi:pulumi:Stack)" in lines
    assert "  web (aws:ecs/service:Service)  [advisory]" in lines
    assert "Advisory violations (2)" in lines
    assert "  probe-stack-tags: Echoes the stack tags the pack was configured with." in lines
    assert "    - stack: stack tags: {'team': 'platform'}" in lines
    assert lines[-1].startswith("PASS: 6 resources, 0 mandatory, 2 advisory")


def test_cli_sarif_is_version_2_1_0_with_one_result_per_violation(tmp_path):
    out = tmp_path / "preflight.sarif"
    result = _cli(
        "--program",
        str(PLAIN_VPC),
        "--policy-pack",
        str(PROBE_PACK),
        "--format",
        "sarif",
        "--output",
        str(out),
    )
    assert result.returncode == 1
    sarif = json.loads(out.read_text())
    assert sarif["version"] == "2.1.0"
    (result_,) = sarif["runs"][0]["results"]
    assert result_["ruleId"] == "probe-no-public-ip" and result_["level"] == "error"
    assert result_["locations"][0]["logicalLocations"][0]["name"] == "web"
    # The line that declared the resource, relative to the repository root as code scanning resolves it; one
    # fingerprint per (policy, resource).
    uri = result_["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "tests/fixtures/programs/plain_vpc/__main__.py"
    assert result_["locations"][0]["physicalLocation"]["region"]["startLine"] == 13
    assert len(result_["partialFingerprints"]["preflightFinding/v1"]) == 64


def test_cli_empty_policy_config_file_is_no_config_and_unwritable_output_exits_2(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("")
    ok = _cli(
        "--program",
        str(PLAIN_VPC),
        "--policy-pack",
        str(PROBE_PACK),
        "--policy-config",
        str(empty),
        "--format",
        "json",
        "--output",
        str(tmp_path / "report.json"),
    )
    assert ok.returncode == 1  # the mandatory violation, as with no config
    assert ok.stderr.splitlines()[-1].startswith("FAIL: 6 resources, 1 mandatory")
    bad = _cli("--program", str(PLAIN_VPC), "--policy-pack", str(PROBE_PACK), "--output", str(tmp_path / "no/dir/x"))
    assert bad.returncode == 2
    assert bad.stderr.strip().endswith("cannot write it (No such file or directory)")
    assert "Traceback" not in bad.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--program", str(RAISES)],
            "preflight: error: program failed: ValueError: subnet count must be positive (at src/__main__.py:4)",
        ),
        (["--program", str(PLAIN_VPC), "--stack", "prod"], "preflight: error: --stack prod: no stack file"),
        (
            ["--program", str(PLAIN_VPC), "--policy-pack", str(BROKEN_PACK)],
            "preflight: error: policy pack " + str(BROKEN_PACK) + " failed to start: it exited with status 1: "
            "RuntimeError: this pack is broken on purpose",
        ),
    ],
    ids=["program-raises", "missing-stack-file", "pack-fails-to-start"],
)
def test_cli_exits_2_with_one_line_and_no_traceback(args, message):
    if "--policy-pack" not in args:
        args = [*args, "--policy-pack", str(PROBE_PACK)]
    result = _cli(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [message] or result.stderr.strip().startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


_OPEN_LOOPS_AT_EXIT = """
import asyncio, atexit, gc, sys
# Registered first, so it runs last: after preflight's own exit handlers, before the interpreter finalizes anything.
is_open = lambda o: isinstance(o, asyncio.AbstractEventLoop) and not o.is_closed()
atexit.register(lambda: print(sum(map(is_open, gc.get_objects()))))
from preflight import cli
codes = [cli.main(sys.argv[1:]) for _ in range(2)]  # twice: main can run again in one process
print(codes)
"""


@pytest.mark.parametrize("pack", [PROBE_PACK, BROKEN_PACK], ids=["passes", "fails-to-start"])
def test_cli_leaves_no_event_loop_open_for_the_interpreter_to_finalize(pack):
    # The SDK's mocks open a loop per worker thread; finalized at shutdown after its socket, one prints a traceback
    # after the one-line error (seen in CI). Every loop must be closed before the interpreter finalizes them.
    args = ["--quiet", "--program", str(PLAIN_VPC), "--policy-pack", str(pack)]
    result = subprocess.run(
        [sys.executable, "-c", _OPEN_LOOPS_AT_EXIT, *args], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    *_, codes, open_loops = result.stdout.strip().splitlines()
    first, second = json.loads(codes)
    assert first == second and (first == 2) == (pack == BROKEN_PACK), result.stderr  # the second run as the first
    assert open_loops == "0", result.stderr
    assert "Traceback" not in result.stderr


def test_cli_verbose_shows_the_traceback():
    result = _cli("--program", str(RAISES), "--policy-pack", str(PROBE_PACK), "--verbose")
    assert result.returncode == 2
    assert "Traceback" in result.stderr


# ---- what the engine runs: resource references, stack references, errors, failing fast -------------------------
RESOURCE_REFS = FIXTURES / "programs" / "resource_refs"
STACK_REFS = FIXTURES / "programs" / "stack_refs"
APPLY_ERROR = FIXTURES / "programs" / "apply_error"
MODES = ("preview", "update")


def _inputs(registration) -> dict:
    return json_format.MessageToDict(registration.inputs)


@pytest.mark.parametrize("mode", MODES)
def test_a_resource_passed_as_an_input_reaches_the_pack_as_its_id_or_its_urn(probe, mode):
    """The engine marshals resource references for analyzers without KeepResources: a custom resource becomes its
    id (unknown until created), a component its URN."""
    regs = _by_name(run_program(load_project(RESOURCE_REFS, "dev"), "dev", preview=(mode == "preview")).registrations)
    vpc_id = UNKNOWN if mode == "preview" else json_format.MessageToDict(regs["main"].outputs)["id"]
    subnet_id = UNKNOWN if mode == "preview" else json_format.MessageToDict(regs["app-a"].outputs)["id"]
    assert _inputs(regs["app-a"])["vpcId"] == vpc_id
    assert _inputs(regs["app"])["vpcId"] == vpc_id
    assert _inputs(regs["app-a"])["tags"] == {"owner": regs["platform"].urn}  # a component: its URN
    assert _inputs(regs["web"])["networkConfiguration"]["subnets"] == [subnet_id]
    assert regs["app-a"].property_dependencies["vpcId"] == [regs["main"].urn]
    if mode == "update":
        assert vpc_id.startswith("vpc-0") and subnet_id.startswith("subnet-0")
        assert _inputs(regs["web"])["cluster"] == json_format.MessageToDict(regs["cluster"].outputs)["arn"]

    report = run(RESOURCE_REFS, "dev", mode, pack=probe)  # no "Unrecognized signature" from the pack
    assert report.violations == []
    cant_run = [d for d in report.diagnostics if d.startswith("can't run policy 'probe-vpc-ids-known'")]
    assert bool(cant_run) == (mode == "preview")


@pytest.mark.parametrize("mode", MODES)
def test_stack_reference_outputs_are_unknown_unless_supplied(probe, mode):
    regs = _by_name(run_program(load_project(STACK_REFS, "dev"), "dev", preview=(mode == "preview")).registrations)
    reference = regs["acme/network/prod"]
    assert reference.read and reference.type == "pulumi:pulumi:StackReference"
    assert json_format.MessageToDict(reference.outputs)["outputs"] == UNKNOWN
    assert _inputs(regs["app-a"])["vpcId"] == UNKNOWN
    assert _inputs(regs["web"])["networkConfiguration"]["subnets"] == UNKNOWN

    report = run(STACK_REFS, "dev", mode, pack=probe)
    assert report.diagnostics[0].startswith("stack reference acme/network/prod: its outputs are unknown offline")
    assert [d for d in report.diagnostics if d.startswith("can't run policy 'probe-vpc-ids-known'")]
    assert report.violations == []


@pytest.mark.parametrize("mode", MODES)
def test_stack_reference_outputs_come_from_stack_outputs(probe, mode):
    outputs = {"acme/network/prod": {"vpcId": "not-a-vpc", "privateSubnetIds": ["subnet-1", "subnet-2", "subnet-3"]}}
    project = load_project(STACK_REFS, "dev")
    regs = _by_name(run_program(project, "dev", preview=(mode == "preview"), stack_outputs=outputs).registrations)
    assert _inputs(regs["app-a"])["vpcId"] == "not-a-vpc"
    assert _inputs(regs["web"])["networkConfiguration"]["subnets"] == ["subnet-1", "subnet-2"]  # the program's apply

    report = run(STACK_REFS, "dev", mode, pack=probe, stack_outputs=outputs)
    assert [(v.policy, v.message) for v in report.violations] == [
        ("probe-vpc-ids-known", "subnet app-a has vpcId not-a-vpc")
    ]
    assert not [d for d in report.diagnostics if "stack reference" in d]


@pytest.mark.parametrize("mode", MODES)
def test_an_error_in_an_apply_callback_is_one_line_naming_the_users_file_and_line(mode):
    with pytest.raises(PreflightError) as caught:
        run_program(load_project(APPLY_ERROR, "dev"), "dev", preview=(mode == "preview"))
    assert caught.value.message == (
        "program failed: ValueError: '10.40.0.0/33' does not appear to be an IPv4 or IPv6 network (at __main__.py:10)"
    )
    # The failed run's error and output tasks stay behind in the SDK; the next run in this process must not see them.
    assert len(run_program(load_project(PLAIN_VPC, "dev"), "dev", preview=(mode == "preview")).registrations) == 6


def _copy_program(source: Path, tmp_path: Path, stack_file: str) -> Path:
    program = tmp_path / source.name
    program.mkdir()
    for path in source.iterdir():
        if path.is_file() and not path.name.startswith("Pulumi."):
            (program / path.name).write_text(path.read_text())
    (program / "Pulumi.yaml").write_text((source / "Pulumi.yaml").read_text())
    (program / "Pulumi.dev.yaml").write_text(stack_file)
    return program


def test_broken_stack_yaml_is_one_line_with_its_position(tmp_path):
    program = _copy_program(PLAIN_VPC, tmp_path, "config:\n  aws:region: eu-west-1\n  plain-vpc:tags: [a, b\n")
    with pytest.raises(PreflightError) as caught:
        load_project(program, "dev")
    assert caught.value.message == (
        f"stack file {program / 'Pulumi.dev.yaml'} is not valid YAML: line 4, column 1: expected ',' or ']', "
        "but got '<stream end>' (while parsing a flow sequence at line 3)"
    )


def test_an_unknown_region_is_named_and_fails_unless_validation_is_skipped(tmp_path):
    program = _copy_program(PLAIN_VPC, tmp_path, "config:\n  aws:region: eu-west-9\n")
    with pytest.raises(PreflightError) as caught:
        load_project(program, "dev")
    assert caught.value.message.startswith(
        "aws:region in Pulumi.dev.yaml: 'eu-west-9' is not an AWS region; allowed: af-south-1, "
    )
    assert "eu-west-1, eu-west-2, eu-west-3" in caught.value.message
    skipped = load_project(program, "dev", overlay={"aws:skipRegionValidation": True})
    assert skipped.region == "eu-west-9"


def test_region_table_is_used_without_botocore_and_botocore_adds_newer_regions(monkeypatch):
    from preflight import regions

    monkeypatch.setattr(regions, "botocore_regions", frozenset)
    assert regions.is_region("ap-southeast-7") and not regions.is_region("xx-new-1")
    monkeypatch.setattr(regions, "botocore_regions", lambda: frozenset({"xx-new-1"}))
    assert regions.is_region("xx-new-1")


def test_region_table_matches_botocore_when_installed():
    from preflight import regions

    pytest.importorskip("botocore", reason="botocore is not a requirement; the pinned table stands in for it")
    assert regions.botocore_regions() >= regions.KNOWN_REGIONS


def test_a_missing_region_comes_from_the_environment_like_the_provider_else_fails(tmp_path, monkeypatch):
    program = _copy_program(PLAIN_VPC, tmp_path, "config: {}\n")
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    with pytest.raises(PreflightError) as caught:
        load_project(program, "dev")
    assert caught.value.message.startswith(
        "aws:region is not set in Pulumi.dev.yaml, nor AWS_REGION or AWS_DEFAULT_REGION in the environment"
    )
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-north-1")
    assert load_project(program, "dev").region == "eu-north-1"
    monkeypatch.setenv("AWS_REGION", "ap-south-1")  # the provider reads AWS_REGION first
    assert load_project(program, "dev").region == "ap-south-1"
    monkeypatch.setenv("AWS_REGION", "nowhere-1")
    with pytest.raises(PreflightError, match=r"^AWS_REGION in the environment: 'nowhere-1' is not an AWS region"):
        load_project(program, "dev")


def test_a_bad_policy_config_fails_before_the_program_runs(probe):
    # The program raises; the config error comes first.
    with pytest.raises(PreflightError) as caught:
        run(RAISES, "dev", "preview", pack=probe, policy_config={"no-such-policy": "mandatory"})
    assert caught.value.message.startswith("--policy-config no-such-policy: no such policy in pack preflight-probe")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--output", "/no/such/dir/report.json"],
            "preflight: error: --output /no/such/dir/report.json: cannot write it (No such file or directory)",
        ),
        (["--output", "/"], "preflight: error: --output /: cannot write it (Is a directory)"),
        (
            ["--stack-outputs", "/no/such/outputs.json"],
            "preflight: error: --stack-outputs /no/such/outputs.json: cannot read it (No such file or directory)",
        ),
    ],
    ids=["output-dir-missing", "output-is-a-directory", "stack-outputs-missing"],
)
def test_cli_bad_output_or_stack_outputs_fail_before_the_program_runs(args, message):
    result = _cli("--program", str(RAISES), "--policy-pack", str(PROBE_PACK), *args)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [message]


def test_cli_stack_outputs_file_reaches_the_program(tmp_path):
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps({"acme/network/prod": {"vpcId": "not-a-vpc", "privateSubnetIds": []}}))
    result = _cli(
        "--program",
        str(STACK_REFS),
        "--policy-pack",
        str(PROBE_PACK),
        "--stack-outputs",
        str(outputs),
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    assert [v["message"] for v in json.loads(result.stdout)["violations"]] == ["subnet app-a has vpcId not-a-vpc"]
    outputs.write_text(json.dumps({"acme/network/prod": ["vpc-1"]}))
    bad = _cli("--program", str(STACK_REFS), "--policy-pack", str(PROBE_PACK), "--stack-outputs", str(outputs))
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        f"preflight: error: --stack-outputs {outputs}: acme/network/prod: must be an object of output names to values, "
        "not ['vpc-1']"
    )


def test_a_required_policy_property_left_unset_is_an_error_without_any_config():
    from preflight.policy_config import PolicyInfo, resolve_policy_config

    policy = PolicyInfo("needs-owner", "", "mandatory", {"owner": {"type": "string"}}, ("owner",))
    with pytest.raises(PreflightError, match=r"^--policy-config needs-owner: 'owner' is a required property$"):
        resolve_policy_config("pack", {"needs-owner": policy}, {})
    with pytest.raises(PreflightError, match=r"^--policy-config needs-owner.owner: 3 is not of type 'string'$"):
        resolve_policy_config("pack", {"needs-owner": policy}, {"needs-owner": {"owner": 3}})
    assert resolve_policy_config("pack", {"needs-owner": policy}, {"needs-owner": {"owner": "me"}}) == {
        "needs-owner": ("mandatory", {"owner": "me"})
    }


def test_a_pack_closed_under_the_analyze_sender_leaves_no_traceback_and_starts_no_new_pack(monkeypatch):
    import threading
    import time

    from google.protobuf import struct_pb2

    from preflight.analyze_as_registered import AnalyzeAsRegistered
    from preflight.registration import Registration

    died = []
    monkeypatch.setattr(threading, "excepthook", died.append)
    pack = PolicyPackProcess(PROBE_PACK)
    pack.spawn()
    configure = lambda: pack.configure(None, stack="dev", project="t", dry_run=True, config={})  # noqa: E731
    analysis = AnalyzeAsRegistered(pack, configure)
    while not analysis.ready_at:
        time.sleep(0.02)
    inputs = struct_pb2.Struct()
    inputs.update({"cidrBlock": "10.0.0.0/16"})
    for i in range(5000):  # a backlog, so the sender is still sending when the pack goes away
        urn = f"urn:pulumi:dev::t::aws:ec2/vpc:Vpc::v{i}"
        analysis.add(Registration(urn, "aws:ec2/vpc:Vpc", f"v{i}", "", True, inputs, inputs, [], {}))
    analysis.stop()
    pack.close()
    analysis.cancel()
    assert died == []
    assert not pack.process.spawned
    with pytest.raises(PreflightError, match="was closed"):
        pack.stub  # noqa: B018 - the property is what is tested


@pytest.mark.parametrize("preview", [True, False], ids=["preview", "update"])
@pytest.mark.parametrize("program", ["resource_refs", "stack_refs", "awsx_private", "plain_network"])
def test_each_registration_carries_its_inputs_decoded_as_the_report_and_deploy_checks_read_them(program, preview):
    project = load_project(FIXTURES / "programs" / program, "dev")
    registrations = run_program(project, "dev", preview=preview).registrations
    assert registrations
    for reg in registrations:
        assert "input_values" in vars(reg)  # decoded while the program ran, not on first use afterwards
        assert reg.input_values == json_format.MessageToDict(reg.inputs), reg.urn  # and nothing changed it since
