"""The corpus runner (benchmarks/corpus.py): finds Python programs, skips those it can't import, isolates each run."""

import importlib.util
import sys
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location(
    "corpus", Path(__file__).resolve().parent.parent / "benchmarks" / "corpus.py"
)
corpus = importlib.util.module_from_spec(_SPEC)
sys.modules["corpus"] = corpus  # dataclasses look their module up by name
_SPEC.loader.exec_module(corpus)


def _project(root: Path, name: str, main: str, runtime: str = "python", **files: str) -> Path:
    directory = root / name
    directory.mkdir(parents=True)
    (directory / "Pulumi.yaml").write_text(f"name: {name}\nruntime: {runtime}\n")
    (directory / "__main__.py").write_text(main)
    for path, text in files.items():
        (directory / path).parent.mkdir(parents=True, exist_ok=True)
        (directory / path).write_text(text)
    return directory


@pytest.fixture
def tree(tmp_path):
    _project(tmp_path, "node-app", "", runtime="nodejs")
    _project(
        tmp_path,
        "py-app",
        "import pulumi\nimport helpers\nimport pulumi_aws as aws\n"
        # Needs a template default and a value its README would tell a user to set.
        "config = pulumi.Config()\n"
        "aws.s3.BucketV2('site', bucket=f\"{config.require('site')}-{config.require('owner')}\")\n"
        "aws.s3.BucketV2('keys', bucket=open('key.pub').read().strip())\n",
        # A local module is followed; a Lambda handler shipped as an asset is not run, so its imports don't count.
        **{"helpers.py": "import json\nfrom os import path\n", "handler/index.py": "import not_installed_lambda_dep\n"},
    )
    _project(tmp_path, "nested/needs-extra", "import pulumi\nimport helpers\n")
    (tmp_path / "nested/needs-extra/helpers.py").write_text("import nope_pkg.sub\n")
    with (tmp_path / "py-app" / "Pulumi.yaml").open("a") as manifest:
        manifest.write("template:\n  config:\n    site:\n      default: acme\n    owner:\n      description: who\n")
    return tmp_path


def test_discovery_finds_python_projects_only_and_names_missing_imports_reached_from_main(tree):
    programs = {p.path: p.missing for p in corpus.discover(tree)}
    assert programs == {"nested/needs-extra": ["nope_pkg"], "py-app": []}
    assert [p.path for p in corpus.discover(tree, ["py-*"])] == ["py-app"]


def test_a_skipped_program_is_listed_with_its_missing_import_and_not_run(tree, tmp_path):
    (program,) = corpus.discover(tree, ["nested/*"])
    run = corpus.run_one(program, "preview", tmp_path / "scratch", timeout=300)
    assert run.exit is None and run.skipped == "missing import: nope_pkg"
    table = corpus.render_markdown([run])
    assert "Skipped (1): nested/needs-extra (missing import: nope_pkg)." in table


def test_a_program_without_a_stack_file_gets_a_new_stack_as_pulumi_new_makes_it_and_runs_in_its_own_process(
    tree, tmp_path
):
    (program,) = corpus.discover(tree, ["py-app"])
    assert program.template_config == {"site": "acme"}
    failed = corpus.run_one(program, "update", tmp_path / "scratch-a", timeout=300)
    assert failed.exit == 2 and "Missing required configuration variable 'py-app:owner'" in failed.error
    run = corpus.run_one(
        program,
        "update",
        tmp_path / "scratch-b",
        timeout=300,
        setup=corpus.Setup({"owner": "web"}, {"key.pub": "acme-keys\n"}),
    )
    assert (run.exit, run.error, run.resources) == (0, "", 3)  # the stack and the two buckets
    assert not (tree / "py-app" / "Pulumi.corpus.yaml").exists()  # the corpus itself is never written to
    row = corpus.render_markdown([run]).splitlines()[2]
    assert row.startswith("| py-app | update | 0 | 3 | 0 |")


def _orphaned_packs() -> set[int]:
    """This checkout's policy pack processes whose parent has gone (adopted by init); other checkouts' test runs on
    the same machine are not this test's business."""
    pack = str(Path(corpus.__file__).resolve().parent.parent / "policies").encode()
    found = set()
    for proc in Path("/proc").iterdir():
        try:
            stat = (proc / "stat").read_text()
            command = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == 1 and b"-u" in command and pack in command:
            found.add(int(proc.name))
    return found


def test_a_crash_or_hang_of_one_run_is_a_row_not_the_end_of_the_runner(tree, tmp_path):
    hang = corpus.Program("hang", _project(tmp_path, "hang", "import time\ntime.sleep(60)\n"), "hang")
    before = _orphaned_packs()
    run = corpus.run_one(hang, "preview", tmp_path / "scratch", timeout=5)
    assert (run.exit, run.error) == (124, "timed out after 5 s")
    assert _orphaned_packs() - before == set()  # the timed-out run's policy pack is stopped with it
    broken = corpus.Program("broken", _project(tmp_path, "broken", "import pulumi\n1 / 0\n"), "broken")
    run = corpus.run_one(broken, "preview", tmp_path / "scratch", timeout=300)
    assert run.exit == 2
    assert run.error.startswith("program failed: ZeroDivisionError: division by zero (at __main__.py:2)")
