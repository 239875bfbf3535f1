"""`python -m preflight`: the command line. Exit 0 = no mandatory violation, 1 = some, 2 = preflight itself failed."""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import functools
import gc
import os
import sys
from pathlib import Path

from .engine import close_worker_loops
from .errors import PreflightError
from .heap import survivors_frozen
from .policy_config import load_policy_config
from .report import FORMATS, Options, load_base, load_traffic, render, sections, summary
from .report.cost import load_prices
from .runner import DEFAULT_POLICY_PACK, DEFAULT_PROGRAM, MODES, run
from .stack_references import load_stack_outputs

EXIT_FAILED = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="preflight" if Path(sys.argv[0]).name == "preflight" else "python -m preflight",
        description="Offline `pulumi preview --policy-pack`: run a Python Pulumi program under mocks and judge "
        "every registered resource with a CrossGuard policy pack over the analyzer gRPC protocol.",
        epilog="Exit codes: 0 no mandatory violation; 1 at least one mandatory violation; "
        "2 the program, its config or the policy pack failed.",
    )
    parser.add_argument(
        "--program",
        type=Path,
        default=DEFAULT_PROGRAM,
        help="directory holding Pulumi.yaml (default: the current directory)",
    )
    parser.add_argument("--stack", default="dev", help="stack name; config is read from Pulumi.<stack>.yaml")
    parser.add_argument(
        "--mode",
        choices=MODES,
        default="preview",
        help="preview: computed outputs unknown, as in a first `pulumi preview`; "
        "update: computed outputs get deterministic fake values (default: preview)",
    )
    parser.add_argument(
        "--policy-pack",
        type=Path,
        default=DEFAULT_POLICY_PACK,
        help="policy pack directory, or a published pack under ~/.pulumi/policies/<org>/ "
        "(default: policies/ of the checkout preflight runs from; required when preflight is installed)",
    )
    parser.add_argument("--policy-config", type=Path, help="JSON file, as taken by `pulumi preview --policy-config`")
    parser.add_argument(
        "--stack-tag",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a stack tag the pack sees, as the Pulumi service would send it (repeatable)",
    )
    parser.add_argument(
        "--stack-outputs",
        type=Path,
        metavar="FILE",
        help="JSON object of stack name to outputs, for the stacks the program reads with StackReference "
        "(others' outputs are unknown, as preflight has no backend to read them from)",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument("--diagram", type=Path, metavar="FILE", help="also write the network as a Mermaid diagram")
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="BASE.json",
        help="the base branch's `--format json` report: adds resources added/removed/changed, new and fixed "
        "violations and the cost delta (JSON and Markdown)",
    )
    parser.add_argument(
        "--traffic",
        type=Path,
        metavar="FILE",
        help="JSON of monthly traffic assumptions for the cost estimate: ecrS3, logs, awsOther, internet (GB), "
        "albLcu (default: 20, 5, 0, 0 GB and 1 LCU)",
    )
    parser.add_argument(
        "--traffic-gb",
        action="append",
        default=[],
        metavar="KEY=GB",
        help="one traffic assumption, over --traffic (repeatable), e.g. internet=50",
    )
    parser.add_argument(
        "--prices", type=Path, metavar="FILE", help="prices merged over preflight's dated AWS price file"
    )
    parser.add_argument("--output", type=Path, help="write the report to this file instead of stdout")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    parser.add_argument("--verbose", action="store_true", help="show tracebacks and policy pack output on errors")
    return parser


def _stack_tags(pairs: list[str]) -> dict[str, str]:
    tags = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise PreflightError(f"--stack-tag {pair!r}: expected KEY=VALUE, e.g. environment=production")
        tags[key] = value
    return tags


def _check_output(path: Path | None, flag: str = "--output") -> None:
    """Fail before the program runs if the report (or the diagram) could not be written."""
    if path is None:
        return
    if path.is_dir():
        reason = "Is a directory"
    elif not path.parent.is_dir():
        reason = "No such file or directory"
    elif not os.access(path if path.exists() else path.parent, os.W_OK):
        reason = "Permission denied"
    else:
        return
    raise PreflightError(f"{flag} {path}: cannot write it ({reason})")


def main(argv: list[str] | None = None) -> int:
    _close_loops_at_exit()
    return _main(argv)


@functools.cache
def _close_loops_at_exit() -> None:
    """Close the event loops the program ran on when the process exits, before the interpreter finalizes them.

    Left to the finalizer, a loop may be finalized after its self-pipe socket, and asyncio then prints an "Invalid
    file descriptor" traceback after our one-line error. Closed at exit rather than after each run, so that `main`
    can run again in the same process (the SDK's worker threads keep their loops).
    """
    atexit.register(close_worker_loops)
    atexit.register(_close_program_loop)


def entry() -> int:
    """The command (`python -m preflight`, the `preflight` script): `main`, then an exit that doesn't sweep the heap.

    The process ends right after: the interpreter's last garbage collections would walk every object the run left
    (the program's resources and outputs, the registrations), about 0.5 s at 2,041 resources. Frozen, they are
    skipped; nothing is left to collect that matters to an exiting process.
    """
    code = main()
    gc.freeze()
    return code


def _close_program_loop() -> None:
    """Close the main thread's event loop, which the program ran on, once nothing runs on it."""
    with contextlib.suppress(RuntimeError):
        loop = asyncio.get_event_loop_policy().get_event_loop()
        if loop.is_running() or loop.is_closed():
            return
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


@survivors_frozen()  # until the report is written (heap.py)
def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"preflight: {message}", file=sys.stderr, flush=True)

    try:
        _check_output(args.output)
        # Everything the user handed in is checked before the program runs.
        options = Options(
            traffic=load_traffic(args.traffic, args.traffic_gb),
            prices=args.prices,
            base=load_base(args.compare) if args.compare else None,
        )
        if args.prices:
            load_prices("us-east-1", args.prices)
        _check_output(args.diagram, "--diagram")
        report = run(
            args.program,
            args.stack,
            args.mode,
            policy_pack=args.policy_pack,
            policy_config=load_policy_config(args.policy_config),
            stack_tags=_stack_tags(args.stack_tag),
            stack_outputs=load_stack_outputs(args.stack_outputs),
            progress=progress,
        )
    except PreflightError as exc:
        print(f"preflight: error: {exc.message}", file=sys.stderr)
        if args.verbose and exc.detail:
            print(exc.detail, file=sys.stderr)
        return EXIT_FAILED
    built = sections(report, options) if args.format in ("json", "markdown") or args.diagram else None
    rendered = render(report, args.format, options, built)
    if args.diagram and built is not None:
        try:
            args.diagram.write_text(built.diagram.source)
        except OSError as exc:
            print(f"preflight: error: --diagram {args.diagram}: cannot write it ({exc.strerror})", file=sys.stderr)
            return EXIT_FAILED
        progress(f"wrote the Mermaid diagram to {args.diagram}")
    if args.output:
        try:
            args.output.write_text(rendered)
        except OSError as exc:
            print(f"preflight: error: --output {args.output}: cannot write it ({exc.strerror})", file=sys.stderr)
            return EXIT_FAILED
        progress(f"wrote {args.format} report to {args.output}")
        print(summary(report), file=sys.stderr)
    else:
        sys.stdout.write(rendered)
    return report.exit_code
