"""Benchmark preflight: wall time, peak memory and where the time goes, for the dev stack and generated stacks.

    .venv/bin/python benchmarks/bench_preflight.py [--services 10 50 150 200] [--mode preview|update] [--repeat 3]

Each case runs in a fresh Python process (as `python -m preflight` would), so imports and the policy pack's start
are counted and peak memory is per case. Each case runs --repeat times and the fastest run is reported. Results go
in the README's Performance section; no test times anything.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONFIG_KEY = "fargate-networking:platform"

# Runs inside the child process: one preflight run, then its own numbers as JSON on the last stdout line.
_CASE = """
import json, resource, sys, time
began = time.perf_counter()
sys.path.insert(0, {repo!r})
import preflight
imported = time.perf_counter() - began
report = preflight.run({repo!r}, "dev", {mode!r}, config={overlay!r})
print(json.dumps({{
    "resources": len(report.resources),
    "violations": len(report.violations),
    "mandatory": len(report.mandatory),
    "timings": {{"import": imported, **report.timings}},
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "pack_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}}))
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


def run_case(label: str, mode: str, overlay: dict | None) -> dict:
    code = _CASE.format(repo=str(REPO), mode=mode, overlay=overlay)
    began = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    wall = time.perf_counter() - began
    if result.returncode != 0:
        raise SystemExit(f"benchmark case {label} failed:\n{result.stderr[-3000:]}")
    numbers = json.loads(result.stdout.strip().splitlines()[-1])
    numbers.update(label=label, wall_s=wall, per_resource_ms=1000 * wall / max(numbers["resources"], 1))
    return numbers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", type=int, nargs="*", default=[10, 50, 150, 200])
    parser.add_argument("--mode", choices=("preview", "update"), default="preview")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per case; the fastest is reported (this VM's timings vary ~20%%)"
    )
    args = parser.parse_args()

    cases = [("dev stack", None)] + [(f"{n} services", generated_overlay(n)) for n in args.services]
    rows = []
    for label, overlay in cases:
        print(f"bench: {label} ({args.mode}) ...", file=sys.stderr, flush=True)
        runs = [run_case(label, args.mode, overlay) for _ in range(args.repeat)]
        rows.append(min(runs, key=lambda row: row["wall_s"]))

    cpu = platform.processor() or platform.machine()
    cores = len(os.sched_getaffinity(0))
    print(f"# {args.mode} mode, best of {args.repeat}, Python {platform.python_version()}, {cpu}, {cores} cores")
    header = (
        "| case | resources | wall s | ms/resource | import s | program s | pack wait s | Analyze s "
        "| AnalyzeStack s | peak RSS MB (preflight / pack) |"
    )
    print(header)
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        t = row["timings"]
        print(
            f"| {row['label']} | {row['resources']} | {row['wall_s']:.2f} | {row['per_resource_ms']:.2f} "
            f"| {t['import']:.2f} | {t['program']:.2f} | {t['pack_start']:.2f} | {t['analyze']:.2f} "
            f"| {t['analyze_stack']:.2f} | {row['peak_rss_mb']:.0f} / {row['pack_peak_rss_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
