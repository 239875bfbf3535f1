"""The whole preflight run as a library call: load the project, run it under mocks, judge it with a policy pack."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import deploy_checks
from .analyze_as_registered import AnalyzeAsRegistered
from .analyzer import PolicyPackProcess
from .engine import run_program
from .errors import PreflightError
from .heap import program_done, survivors_frozen
from .policy_config import resolve_policy_config
from .project import load_project
from .report import Report, Resource, Violation

DEFAULT_PROGRAM = Path()  # the current directory, as `pulumi preview` takes it
# Run from a checkout of this repo, the default pack is its policies/; installed as a package there is none, and
# `--policy-pack` names one (a pack directory, or a published pack under ~/.pulumi/policies/<org>/).
_CHECKOUT_PACK = Path(__file__).resolve().parent.parent / "policies"
DEFAULT_POLICY_PACK = _CHECKOUT_PACK if (_CHECKOUT_PACK / "PulumiPolicy.yaml").is_file() else None
MODES = ("preview", "update")
NO_POLICY_PACK = (
    "--policy-pack: not given, and preflight is installed without a pack; name a pack directory (with "
    "PulumiPolicy.yaml) or a published pack, ~/.pulumi/policies/<org>/pulumi-analyzer-<pack>-v<version>"
)


def _quiet(_message: str) -> None:
    return None


def _repository_path(path: Path) -> str:
    """`path` relative to the root of the git repository holding it (what code scanning expects), else to cwd."""
    for folder in path.parents:
        if (folder / ".git").exists():
            return path.relative_to(folder).as_posix()
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.name


@survivors_frozen()  # the program's heap: see heap.py
def run(
    program: str | Path = DEFAULT_PROGRAM,
    stack: str = "dev",
    mode: str = "preview",
    *,
    policy_pack: str | Path | None = DEFAULT_POLICY_PACK,
    pack: PolicyPackProcess | None = None,
    policy_config: dict[str, Any] | None = None,
    config: dict[str, Any] | None = None,
    stack_tags: dict[str, str] | None = None,
    stack_outputs: dict[str, dict[str, Any]] | None = None,
    progress: Callable[[str], None] = _quiet,
) -> Report:
    """Run `program` (a directory with Pulumi.yaml) for `stack` under mocks and analyze it with a policy pack.

    `pack` reuses a running pack process; otherwise one is started from `policy_pack` and closed afterwards.
    `config` overlays the stack file's config (keys as in the stack file); `stack_tags` are the tags the Pulumi
    service would hand the pack for this stack; `stack_outputs` are the outputs of stacks the program
    reads with `StackReference` (stack name -> outputs; others are unknown). Raises PreflightError (exit code 2).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    project = load_project(Path(program), stack, overlay=config)
    owned = pack is None
    if pack is None:
        if policy_pack is None:
            raise PreflightError(NO_POLICY_PACK)
        pack = PolicyPackProcess(policy_pack)
    timings: dict[str, float] = {}
    try:
        pack.spawn()  # the pack boots while the program runs
        if policy_config:
            # A bad config must fail before the program runs: ask the pack for its policies and check the config
            # against them first (with a config, the pack's start no longer overlaps the program).
            pack.connect()
            resolve_policy_config(pack.name, pack.policies, policy_config)
        progress(f"running program {project.name} ({stack}, {mode} mode)")
        # Like the engine, analyze each resource as it is registered: the pack starts, is configured and judges
        # resources in its own process while the program runs.
        analysis = AnalyzeAsRegistered(
            pack,
            lambda: pack.configure(
                policy_config,
                stack=stack,
                project=project.name,
                dry_run=(mode == "preview"),
                config=project.config.values,
                tags=stack_tags,
            ),
        )
        began = time.perf_counter()
        try:
            with contextlib.redirect_stdout(sys.stderr):  # the program's prints must not corrupt JSON on stdout
                program_run = run_program(
                    project,
                    stack,
                    preview=(mode == "preview"),
                    stack_outputs=stack_outputs,
                    on_record=analysis.add,
                )
        except BaseException:
            analysis.stop()  # send nothing more, then close the pack under the sender
            if owned:
                pack.close()  # before waiting for the sender, so that a pack still starting doesn't hold up the error
            analysis.cancel()
            raise
        ended = time.perf_counter()
        program_done()
        timings["program"] = ended - began
        per_resource = analysis.finish()
        registrations = program_run.registrations
        finished = time.perf_counter()
        timings["pack_start"] = max(0.0, analysis.ready_at - ended)  # what the program didn't hide of it
        timings["analyze"] = finished - max(ended, analysis.ready_at)  # Analyze left after the program
        progress(f"analyzed {len(registrations)} resources with {pack.name} ({len(analysis.levels)} policies)")
        whole_stack_verdict = pack.start_analyze_stack(registrations)
        # The pack judges the whole stack in its own process while this one checks what AWS would reject.
        deploy_findings = deploy_checks.check(registrations)
        inputs = {r.urn: r.input_values for r in registrations}  # decoded while the program ran
        whole_stack = whole_stack_verdict()
        timings["analyze_stack"] = time.perf_counter() - finished
    finally:
        if owned:
            pack.close(wait=False)  # the report needs nothing more from it: it exits while the report is built

    findings = per_resource.findings + whole_stack.findings
    source = _repository_path(project.stack_file)
    paths: dict[str, str] = {}

    def position(declared: tuple[str, int] | None) -> str:
        if declared is None:
            return ""
        path, line = declared
        if path not in paths:
            paths[path] = _repository_path(Path(path))
        return f"{paths[path]}:{line}"

    return Report(
        program=str(project.directory),
        stack=stack,
        mode=mode,
        pack=f"{pack.name}@{pack.version}",
        # Registration order depends on the SDK's scheduling; sorted output makes two runs diff cleanly.
        resources=sorted(
            Resource(r.urn, r.type, r.name, r.parent, position(r.position), tuple(sorted(set(r.dependencies))))
            for r in registrations
        ),
        violations=sorted(Violation(f.policy, f.level, f.urn, f.message) for f in findings if f.level),
        not_applicable=per_resource.not_applicable + whole_stack.not_applicable,
        diagnostics=program_run.diagnostics + [f.message for f in findings if not f.level],
        policy_descriptions={name: info.description for name, info in pack.policies.items()},
        timings=timings,
        source_file=source,
        inputs=inputs,
        links={r.urn: r.property_dependencies for r in registrations if r.property_dependencies},
        region=project.region,
        deploy_findings=deploy_findings,
    )
