"""Run preflight over a corpus of real Python Pulumi programs, in both modes, and tabulate what happened.

    .venv/bin/python benchmarks/corpus.py DIR [DIR ...] [--match GLOB] [--timeout 180] [--json] [--output FILE]

Each DIR is searched for projects (a `Pulumi.yaml` whose runtime is python), for example a local checkout of
pulumi/examples. Each program is copied to a scratch directory (the corpus stays read-only and nothing of it enters
this repo) and run by preflight in preview and update mode, each run in its own Python process with a timeout, so one
crash or hang can't stop the rest. A program without a stack file gets a new stack `corpus` as `pulumi new` would make
it: its template's config defaults, plus the config values and files (a key pair) its README has a user set up
(benchmarks/corpus_config.yaml, or --config). Every program gets `aws:region` us-east-1 unless its stack sets one
(a config overlay; AWS_REGION is set too). A program that imports something not installed here is listed as
skipped, naming the import.

The Markdown table (or JSON with --json) goes to stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import fnmatch
import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
MODES = ("preview", "update")
DEFAULT_REGION = "us-east-1"
CORPUS_STACK = "corpus"
DEFAULT_CONFIG = Path(__file__).resolve().parent / "corpus_config.yaml"
_SKIP_DIRS = {".git", "node_modules", "venv", ".venv", "__pycache__", ".pulumi"}

# Runs in the child process: one preflight run; its result as JSON in the file named by argv[1].
_CHILD = """
import json, sys, traceback
sys.path.insert(0, {repo!r})
import preflight
out = {{}}
try:
    report = preflight.run({program!r}, {stack!r}, {mode!r}, config={overlay!r})
except preflight.PreflightError as exc:
    out = {{"exit": 2, "error": exc.message, "detail": (exc.detail or "")[-4000:]}}
except BaseException as exc:
    out = {{"exit": 3, "error": f"preflight crashed: {{type(exc).__name__}}: {{exc}}",
           "detail": traceback.format_exc()[-4000:]}}
else:
    levels = [v.level for v in report.violations]
    out = {{
        "exit": report.exit_code,
        "resources": len(report.resources),
        "mandatory": levels.count("mandatory"),
        "advisory": levels.count("advisory"),
        "remediate": levels.count("remediate"),
        "not_applicable": len(report.not_applicable),
        "diagnostics": list(report.diagnostics),
        "findings": [f"{{v.level}} {{v.policy}} on {{v.urn.rsplit('::', 1)[-1] or 'the stack'}}: {{v.message}}"
                     for v in report.violations],
    }}
with open(sys.argv[1], "w") as handle:
    json.dump(out, handle)
"""


@dataclass
class Program:
    path: str  # relative to DIR (prefixed with DIR's name when several directories are run)
    directory: Path
    name: str
    relative: str = ""  # relative to DIR
    missing: list[str] = field(default_factory=list)  # imports not installed here
    template_config: dict = field(default_factory=dict)  # `pulumi new` defaults from Pulumi.yaml


@dataclass
class Run:
    program: str
    mode: str
    exit: int | None = None  # None: skipped; 0/1/2 as preflight's CLI; 3 preflight crashed; 124 timeout
    resources: int = 0
    mandatory: int = 0
    advisory: int = 0
    remediate: int = 0
    not_applicable: int = 0
    seconds: float = 0.0
    error: str = ""
    detail: str = ""
    diagnostics: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # "<level> <policy> on <resource>: <message>"
    skipped: str = ""


# ---- discovery -------------------------------------------------------------------------------------------------
def _runtime(manifest: object) -> str | None:
    if not isinstance(manifest, dict):
        return None
    runtime = manifest.get("runtime")
    return runtime.get("name") if isinstance(runtime, dict) else runtime


def discover(root: Path, match: list[str] | None = None, prefix: str = "") -> list[Program]:
    programs = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        if "Pulumi.yaml" not in filenames:
            continue
        directory = Path(dirpath)
        try:
            manifest = yaml.safe_load((directory / "Pulumi.yaml").read_text())
        except (OSError, yaml.YAMLError):
            continue
        if _runtime(manifest) != "python":
            continue
        relative = directory.relative_to(root).as_posix() or "."
        if match and not any(fnmatch.fnmatch(relative, pattern) for pattern in match):
            continue
        program = Program(prefix + relative, directory, str(manifest.get("name", relative)), relative)
        program.missing = missing_imports(directory, manifest)
        program.template_config = template_defaults(manifest)
        programs.append(program)
    return sorted(programs, key=lambda p: p.path)


def _imports(path: Path) -> set[str]:
    try:
        tree = ast.parse(path.read_text(), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return set()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _local_files(main_dir: Path, name: str) -> list[Path] | None:
    """The files of the program's own module or package `name`, or None if it is not the program's."""
    module = main_dir / f"{name}.py"
    if module.is_file():
        return [module]
    package = main_dir / name
    if package.is_dir():
        return sorted(p for p in package.rglob("*.py") if not _SKIP_DIRS.intersection(p.parts))
    return None


def missing_imports(directory: Path, manifest: dict) -> list[str]:
    """Top-level imports reachable from the program's entry point that are neither its own modules nor installed.

    Only the modules the program imports are followed: code shipped as an asset (a Lambda handler) is not run.
    """
    main = directory / str(manifest.get("main") or ".")
    main_dir, entry = (main, main / "__main__.py") if main.is_dir() else (main.parent, main)
    seen_files: set[Path] = set()
    pending, missing = [entry], set()
    while pending:
        path = pending.pop()
        if path in seen_files or not path.is_file():
            continue
        seen_files.add(path)
        for name in _imports(path):
            local = _local_files(main_dir, name)
            if local is not None:
                pending.extend(local)
            elif name not in sys.stdlib_module_names and importlib.util.find_spec(name) is None:
                missing.add(name)
    return sorted(missing)


def template_defaults(manifest: dict) -> dict:
    """The config `pulumi new` seeds a stack with: each `template.config` key's default."""
    template = manifest.get("template")
    declared = template.get("config") if isinstance(template, dict) else None
    if not isinstance(declared, dict):
        return {}
    return {key: entry["default"] for key, entry in declared.items() if isinstance(entry, dict) and "default" in entry}


# ---- running ---------------------------------------------------------------------------------------------------
def _stack_of(directory: Path) -> tuple[str, dict]:
    """The stack to run and its config: `dev` or the first stack file; `corpus` and no config if there is none."""
    stacks = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in directory.glob("Pulumi.*.yaml"))
    if not stacks:
        return CORPUS_STACK, {}
    stack = "dev" if "dev" in stacks else stacks[0]
    try:
        document = yaml.safe_load((directory / f"Pulumi.{stack}.yaml").read_text()) or {}
    except (OSError, yaml.YAMLError):
        document = {}  # preflight itself reports a broken stack file
    config = document.get("config") if isinstance(document, dict) else None
    return stack, config if isinstance(config, dict) else {}


@dataclass(frozen=True)
class Setup:
    """What a user sets up for a program before the first preview, as its README says."""

    config: dict = field(default_factory=dict)  # for a new stack
    files: dict = field(default_factory=dict)  # file name -> content, created next to the program

    @classmethod
    def load(cls, path: Path | None) -> dict[str, Setup]:
        document = (yaml.safe_load(path.read_text()) if path else None) or {}
        config, files = document.get("config") or {}, document.get("files") or {}
        return {key: cls(config.get(key) or {}, files.get(key) or {}) for key in set(config) | set(files)}


def run_one(program: Program, mode: str, scratch: Path, timeout: float, setup: Setup | None = None) -> Run:
    """Run one program in one mode in a process of its own, after the set-up its README asks for."""
    setup = setup or Setup()
    result = Run(program.path, mode)
    if program.missing:
        result.skipped = "missing import: " + ", ".join(program.missing)
        return result
    copy = scratch / mode / program.path.replace("/", "__")
    shutil.copytree(program.directory, copy, ignore=shutil.ignore_patterns(*_SKIP_DIRS), symlinks=True)
    for file_name, content in setup.files.items():
        (copy / file_name).write_text(content)
    stack, config = _stack_of(copy)
    if stack == CORPUS_STACK:
        config = {**program.template_config, **setup.config}
        (copy / f"Pulumi.{CORPUS_STACK}.yaml").write_text(yaml.safe_dump({"config": config}))
    overlay = {} if "aws:region" in config else {"aws:region": DEFAULT_REGION}
    out_file = scratch / f"{mode}-{program.path.replace('/', '__')}.json"
    child = _CHILD.format(repo=str(REPO), program=str(copy), stack=stack, mode=mode, overlay=overlay)
    env = {**os.environ, "AWS_REGION": DEFAULT_REGION, "PULUMI_CONFIG_PASSPHRASE": ""}
    began = time.perf_counter()
    # Its own session, so that a run that times out is stopped with everything it started (its policy pack too).
    process = subprocess.Popen(
        [sys.executable, "-c", child, str(out_file)],
        cwd=copy,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        result.seconds = time.perf_counter() - began
        result.exit, result.error = 124, f"timed out after {timeout:.0f} s"
        return result
    result.seconds = time.perf_counter() - began
    try:
        data = json.loads(out_file.read_text())
    except (OSError, json.JSONDecodeError):
        tail = (stderr or stdout or "").strip().splitlines()
        result.exit = 3
        result.error = f"preflight process died (status {process.returncode}): {tail[-1] if tail else 'no output'}"
        result.detail = "\n".join(tail[-40:])
        return result
    for key, value in data.items():
        setattr(result, key, value)
    return result


# ---- rendering -------------------------------------------------------------------------------------------------
def _note(run: Run) -> str:
    if run.error:
        return run.error
    mandatory = sorted(
        {f.split(":", 1)[0].removeprefix("mandatory ") for f in run.findings if f.startswith("mandatory")}
    )
    if mandatory:
        return "mandatory: " + "; ".join(mandatory)
    notes = []
    unsimulated = [d.split()[1] for d in run.diagnostics if d.startswith("invoke ") and "not simulated" in d]
    if unsimulated:
        notes.append("unsimulated invokes: " + ", ".join(unsimulated))
    unseen = [" ".join(d.split()[:2]) for d in run.diagnostics if " is a remote component" in d]
    if unseen:
        notes.append("remote components no policy sees: " + ", ".join(unseen))
    return "; ".join(notes)


def _cell(text: str, limit: int = 220) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_markdown(runs: list[Run]) -> str:
    lines = [
        "| Program | Mode | Exit | Resources | Mandatory | Advisory | Not applicable | Time (s) | Notes |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    skipped: dict[str, str] = {}
    for run in runs:
        if run.skipped:
            skipped[run.program] = run.skipped
            continue
        counts = (
            ("", "", "", "")
            if run.exit not in (0, 1)
            else (run.resources, run.mandatory, run.advisory, run.not_applicable)
        )
        lines.append(
            f"| {run.program} | {run.mode} | {run.exit} | "
            + " | ".join(str(c) for c in counts)
            + f" | {run.seconds:.1f} | {_cell(_note(run))} |"
        )
    if skipped:
        lines += ["", f"Skipped ({len(skipped)}): " + "; ".join(f"{p} ({why})" for p, why in skipped.items()) + "."]
    return "\n".join(lines) + "\n"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "directories", metavar="DIR", type=Path, nargs="+", help="directory searched for Python Pulumi projects"
    )
    parser.add_argument(
        "--match",
        action="append",
        help="only projects whose path under DIR matches this glob, e.g. 'aws-*' (repeatable: any of them)",
    )
    parser.add_argument("--mode", choices=MODES, action="append", help="run only this mode (repeatable)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per run (default 180)")
    parser.add_argument(
        "--config",
        type=Path,
        default=DEFAULT_CONFIG,
        help="YAML: config and files a user sets up per program (default: benchmarks/corpus_config.yaml)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON (every run, with error details)")
    parser.add_argument("--output", type=Path, help="write the table or JSON here instead of stdout")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    for directory in args.directories:
        if not directory.is_dir():
            print(f"corpus: {directory}: not a directory", file=sys.stderr)
            return 2
    roots = [directory.resolve() for directory in args.directories]
    common = Path(os.path.commonpath(roots)) if len(roots) > 1 else None
    programs = [
        program
        for root in roots
        for program in discover(root, args.match, f"{root.relative_to(common).as_posix()}/" if common else "")
    ]
    setups = Setup.load(args.config)
    modes = args.mode or list(MODES)
    total = len(programs) * len(modes)
    where = ", ".join(str(d) for d in args.directories)
    print(f"corpus: {len(programs)} Python programs under {where}, {total} runs", file=sys.stderr)
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="preflight-corpus-") as scratch:
        for index, (program, mode) in enumerate(((p, m) for p in programs for m in modes), start=1):
            run = run_one(
                program, mode, Path(scratch), args.timeout, setups.get(program.path, setups.get(program.relative))
            )
            runs.append(run)
            outcome = run.skipped or f"exit {run.exit} in {run.seconds:.1f} s" + (f": {run.error}" if run.error else "")
            print(f"corpus: [{index}/{total}] {program.path} {mode}: {_cell(outcome, 160)}", file=sys.stderr)
    rendered = json.dumps([asdict(run) for run in runs], indent=2) + "\n" if args.json else render_markdown(runs)
    if args.output:
        args.output.write_text(rendered)
    else:
        sys.stdout.write(rendered)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
