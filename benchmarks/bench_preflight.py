"""Benchmark preflight: wall time, peak memory and where the time goes, for the dev stack and generated stacks,
against the floor: the same program run under the SDK's plain mocks, with no recording and no pack, under the
collector preflight runs programs under (preflight/heap.py); and against the plain floor, the same with Python's
default collector, as a unit test runs the program.

    .venv/bin/python benchmarks/bench_preflight.py [--services 10 50 150 200] [--mode preview|update] [--repeat 3]

Each run is the command itself, `python -m preflight --format json --output FILE`, in a fresh process, so imports,
the policy pack's start, the report and the process's exit are counted, and peak memory is per case. The floor is
what any tool that runs the program pays: `pulumi.runtime.set_mocks` with a plain `Mocks` (inputs back as state, an
id per resource, the one invoke the program calls), as a unit test would write it, and the same quick exit as
preflight's (the heap frozen, so the interpreter's last collections skip it). Preflight and floor runs alternate,
--repeat times per case, so both see the same machine load; the fastest of each is reported, and their ratio,
and the ratio of their medians (less moved by one lucky run of either).
Results go in the README's Performance section; no test times anything.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONFIG_KEY = "fargate-networking:platform"

# Runs inside the child process: the `python -m preflight` command itself (the module run as __main__, as `-m` does),
# its JSON report written to a file. An exit hook adds the process's own numbers as JSON on the last stdout line.
_CASE = """
import atexit, json, resource, runpy, sys, time
began = time.perf_counter()
sys.path.insert(0, {repo!r})
import preflight.cli
imported = time.perf_counter() - began

exit_wait = 0.0

def pack_peak_rss_mb():
    # The pack exits in the background (preflight doesn't wait for it): its peak memory is read from /proc while
    # it runs, or from its exit status. Waiting for that status is the benchmark's own time: the parent subtracts it.
    global exit_wait
    import os
    from preflight import pack_process
    peaks = []
    for process in list(pack_process._EXITING):
        try:
            status = open(f"/proc/{{process.pid}}/status").read()
        except OSError:
            status = ""
        hwm = [int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")]
        if hwm:
            peaks += hwm
            continue
        waited = time.perf_counter()
        try:
            _, _, usage = os.wait4(process.pid, 0)
        except ChildProcessError:  # preflight's own reaper got it first: it counts among the reaped children
            continue
        finally:
            exit_wait += time.perf_counter() - waited
        process.returncode = 0  # reaped here: the exit hook that kills a pack still exiting leaves it alone
        peaks.append(usage.ru_maxrss)
    peaks.append(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return max(peaks) / 1024

def numbers():
    pack_peak = pack_peak_rss_mb()
    print(json.dumps({{
        "import": imported,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "pack_peak_rss_mb": pack_peak,
        "exit_wait_s": exit_wait,
    }}), flush=True)

atexit.register(numbers)
sys.argv = ["preflight", *{argv!r}]
runpy.run_module("preflight", run_name="__main__", alter_sys=True)
"""


# The floor: the same program under the SDK's plain mocks. Imports only the SDK and the program, no preflight.
_FLOOR = """
import json, os, resource, runpy, sys, time
began = time.perf_counter()
import pulumi
from pulumi.runtime import mocks
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import wait_for_rpcs
from pulumi.runtime.sync_await import _sync_await
imported = time.perf_counter() - began
{collector}

class PlainMocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        if {preview!r}:
            return "", args.inputs
        # As a unit test's mocks would: an id, and the computed outputs the program reads (ARN, name, DNS name).
        arn = "arn:aws:" + args.typ.split(":")[1].split("/")[0] + ":{region}:123456789012:" + args.name
        computed = {{"arn": arn, "name": args.name, "arnSuffix": args.name, "dnsName": args.name + ".example.com"}}
        return args.name + "-id", {{**computed, **args.inputs}}

    def call(self, args):
        if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            return {{"names": [{region!r} + z for z in "abc"], "zoneIds": ["z1", "z2", "z3"]}}
        return {{}}

mocks.set_mocks(PlainMocks(), project={project!r}, stack="dev", preview={preview!r})
set_all_config({config!r}, [])
sys.path.insert(0, {main!r})
os.chdir({main!r})
runpy.run_path(os.path.join({main!r}, "__main__.py"), run_name="__main__")
_sync_await(wait_for_rpcs())
{collector_end}
print(json.dumps({{
    "timings": {{"import": imported, "program": time.perf_counter() - began - imported}},
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}}))
import gc
gc.freeze()  # as preflight's command exits: the floor pays no more than preflight for the interpreter's exit
"""


def generated_overlay(services: int) -> dict:
    """The dev stack's platform config with `services` generated services (the first 90 behind the ALB)."""
    sys.path.insert(0, str(REPO))
    import yaml

    dev = yaml.safe_load((REPO / "Pulumi.dev.yaml").read_text())["config"][CONFIG_KEY]
    template = {k: v for k, v in dev["services"][0].items() if k != "calls"}
    names = [f"svc{index:03d}" for index in range(services)]
    generated = []
    for index, name in enumerate(names):
        service = dict(template)
        service.update(
            name=name,
            port=3000 + index,
            # An ALB listener takes at most 100 rules: past that, services are internal (Service Connect only).
            pathPatterns=[f"/{name}/*"] if 0 < index < 90 else [],
            default=index == 0,
            sensitive=index % 2 == 1,
            calls=names[index + 1 : index + 2],  # a chain: each service calls the next one
        )
        generated.append({k: v for k, v in service.items() if v != []})
    return {CONFIG_KEY: {**dev, "services": generated}}


# The floor runs the program under the collector preflight runs it under (preflight/heap.py: a full collection's
# survivors are not walked again), so that the ratio counts only preflight's own work. The module imports only `gc`
# and is loaded by its path, without preflight's package. The plain floor keeps Python's default collector, as a
# unit test of the program would run it.
_COLLECTOR = """
import importlib.util
_spec = importlib.util.spec_from_file_location("preflight_heap", {heap!r})
_heap = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_heap)
_collector = _heap.survivors_frozen()
_collector.__enter__()
"""


def floor_code(mode: str, overlay: dict | None, collector: bool = True) -> str:
    """The floor's child program for this case: the stack's config as the CLI hands it to the program, under
    preflight's collector (`collector`) or Python's default one."""
    sys.path.insert(0, str(REPO))
    from preflight.project import load_project

    project = load_project(REPO, "dev", overlay=overlay)
    main = project.main if project.main.is_dir() else project.main.parent
    return _FLOOR.format(
        preview=mode == "preview",
        region=project.region,
        project=project.name,
        config=project.config.values,
        main=str(main),
        collector=_COLLECTOR.format(heap=str(REPO / "preflight" / "heap.py")) if collector else "",
        collector_end="_collector.__exit__(None, None, None)" if collector else "",
    )


# Children run with Python's default bytecode cache, as a user's `python -m preflight` does: an environment that sets
# PYTHONDONTWRITEBYTECODE (this machine's does) would compile every module of preflight and of the program from source
# on every run, which no user pays twice. The first of the runs writes the cache; the fastest run is reported.
_CHILD_ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def run_child(label: str, code: str, exit_codes: tuple[int, ...] = (0,)) -> tuple[float, dict]:
    """Run one child; its numbers, with `cpu_s`: the CPU time of its process tree (the pack's included)."""
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=_CHILD_ENV)
    wall = time.perf_counter() - began
    if result.returncode not in exit_codes:
        raise SystemExit(f"benchmark case {label} failed:\n{result.stderr[-3000:]}")
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    numbers = json.loads(result.stdout.strip().splitlines()[-1])
    numbers["cpu_s"] = sum(getattr(cpu_after, f) - getattr(cpu_before, f) for f in ("ru_utime", "ru_stime"))
    return wall, numbers


@contextlib.contextmanager
def case_project(overlay: dict | None) -> Iterator[tuple[Path, str]]:
    """The project and stack preflight runs for a case: the repo's dev stack, or a scratch project (Pulumi.yaml,
    `infra/` linked to the repo's) whose stack file holds the dev stack's config with the generated services."""
    if overlay is None:
        yield REPO, "dev"
        return
    import yaml

    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        project = Path(scratch)
        shutil.copy(REPO / "Pulumi.yaml", project / "Pulumi.yaml")
        (project / "infra").symlink_to(REPO / "infra", target_is_directory=True)
        config = yaml.safe_load((REPO / "Pulumi.dev.yaml").read_text())["config"]
        (project / "Pulumi.bench.yaml").write_text(yaml.safe_dump({"config": {**config, **overlay}}))
        yield project, "bench"


def run_case(label: str, mode: str, project: Path, stack: str, policy_pack: Path | None = None) -> dict:
    """One `python -m preflight` run: its wall time, and the numbers of its JSON report and of its processes."""
    with tempfile.TemporaryDirectory(prefix="bench-report-") as scratch:
        output = Path(scratch) / "report.json"
        argv = ["--program", str(project), "--stack", stack, "--mode", mode, "--quiet"]
        argv += ["--policy-pack", str(policy_pack)] if policy_pack else []
        argv += ["--format", "json", "--output", str(output)]
        # Exit code 1: the pack found a mandatory violation, which is a finished run.
        wall, numbers = run_child(label, _CASE.format(repo=str(REPO), argv=argv), exit_codes=(0, 1))
        report = json.loads(output.read_text())
    wall -= numbers.pop("exit_wait_s")
    numbers.update(
        label=label,
        wall_s=wall,
        resources=len(report["resources"]),
        timings={"import": numbers.pop("import"), **report["timings"]},
        per_resource_ms=1000 * wall / max(len(report["resources"]), 1),
    )
    return numbers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", type=int, nargs="*", default=[10, 50, 150, 200])
    parser.add_argument("--mode", choices=("preview", "update"), default="preview")
    parser.add_argument(
        "--policy-pack",
        type=Path,
        help="another pack than this repo's (which has stack policies only, so it is sent no Analyze): e.g. "
        "tests/fixtures/packs/probe, whose resource policy makes preflight send Analyze for every resource",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per case; the fastest is reported (this VM's timings vary ~20%%)"
    )
    args = parser.parse_args()

    cases = [("dev stack", None)] + [(f"{n} services", generated_overlay(n)) for n in args.services]
    rows = []
    for label, overlay in cases:
        print(f"bench: {label} ({args.mode}) ...", file=sys.stderr, flush=True)
        floor, plain_floor = floor_code(args.mode, overlay), floor_code(args.mode, overlay, collector=False)
        runs, floors, plain_floors = [], [], []
        with case_project(overlay) as (project, stack):
            for _ in range(args.repeat):  # interleaved, so a busy moment of the machine hits all three
                runs.append(run_case(label, args.mode, project, stack, args.policy_pack))
                floors.append(run_child(f"{label} (floor)", floor))
                plain_floors.append(run_child(f"{label} (plain floor)", plain_floor))
        best = min(runs, key=lambda row: row["wall_s"])
        best.update(
            median_ratio=statistics.median(row["wall_s"] for row in runs) / statistics.median(w for w, _ in floors),
            floor_s=min(wall for wall, _ in floors),
            plain_floor_s=min(wall for wall, _ in plain_floors),
            cpu_s=min(row["cpu_s"] for row in runs),
            floor_cpu_s=min(numbers["cpu_s"] for _, numbers in floors),
        )
        rows.append(best)

    cpu = platform.processor() or platform.machine()
    cores = len(os.sched_getaffinity(0))
    pack = f", pack {args.policy_pack}" if args.policy_pack else ""
    print(f"# {args.mode} mode, best of {args.repeat}, Python {platform.python_version()}, {cpu}, {cores} cores{pack}")
    header = (
        "| case | resources | wall s | floor s | ÷ floor | ÷ floor, medians | plain floor s | ÷ plain floor "
        "| CPU s (preflight / floor) "
        "| CPU ÷ floor | ms/resource | import s | program s | pack wait s | Analyze s | AnalyzeStack s "
        "| peak RSS MB (preflight / pack) |"
    )
    print(header)
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        t = row["timings"]
        print(
            f"| {row['label']} | {row['resources']} | {row['wall_s']:.2f} | {row['floor_s']:.2f} "
            f"| {row['wall_s'] / row['floor_s']:.2f} | {row['median_ratio']:.2f} | {row['plain_floor_s']:.2f} "
            f"| {row['wall_s'] / row['plain_floor_s']:.2f} | {row['cpu_s']:.2f} / {row['floor_cpu_s']:.2f} "
            f"| {row['cpu_s'] / row['floor_cpu_s']:.2f} | {row['per_resource_ms']:.2f} "
            f"| {t['import']:.2f} | {t['program']:.2f} | {t['pack_start']:.2f} | {t['analyze']:.2f} "
            f"| {t['analyze_stack']:.2f} | {row['peak_rss_mb']:.0f} / {row['pack_peak_rss_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
