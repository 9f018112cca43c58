"""The pytest plugin: tree switch, devices, seeds, time limits and learner-friendly output."""

from __future__ import annotations

import functools
import json
import re
import shutil
import sys
from pathlib import Path

import pytest
import torch
import torch._dynamo  # katas 08-10 import it: once here, never afresh in an in-process run
from helpers import SLOW_PACKAGE, add_slow_library

from katakit import importer, stubs
from katakit.catalog import load

ENV = "katas/test_00_environment.py"
BRIDGE = "katas/test_02_numpy_bridge.py"
FIRST_THREE = ["katas/test_00_environment.py", "katas/test_01_creation.py", BRIDGE]


def summary(output: str) -> str:
    """pytest's closing line, e.g. '3 failed, 5 passed in 0.1s'."""
    lines = [ln for ln in output.splitlines() if re.search(r"\d+ (passed|failed|error)", ln)]
    return lines[-1] if lines else ""


def count(output: str, word: str) -> int:
    found = re.search(rf"(\d+) {word}", summary(output))
    return int(found.group(1)) if found else 0


def impl_copy(repo: Path, name: str = "impl") -> Path:
    target = repo.parent / name
    shutil.copytree(repo / "solutions", target)
    return target


# -- the switch -----------------------------------------------------------------


def test_solutions_pass(inline_pytest):
    result = inline_pytest("--solutions", *FIRST_THREE)
    assert result.returncode == 0, result.stdout
    assert count(result.stdout, "passed") > 50
    assert "against solutions/ (reference solutions)" in result.stdout


def test_learner_mode_runs_src_and_nothing_passes(inline_pytest):
    result = inline_pytest(*FIRST_THREE)
    assert result.returncode == 1
    assert count(result.stdout, "failed") > 50
    assert count(result.stdout, "passed") == 0
    assert "against src/ (learner code)" in result.stdout


def test_impl_with_one_broken_function_fails_only_that_kata(inline_pytest, kata_repo):
    impl = impl_copy(kata_repo)
    source = impl / "numpy_bridge.py"
    source.write_text(
        source.read_text().replace(
            "return torch.from_numpy(array)\n", "return torch.tensor(array)\n"
        )
    )
    result = inline_pytest("--impl", str(impl), "-rf", *FIRST_THREE)
    assert result.returncode == 1
    failed = set(re.findall(r"FAILED (katas/\S+?)::", result.stdout))
    assert failed == {BRIDGE}, result.stdout
    assert count(result.stdout, "passed") > 50


def test_impl_is_known_before_pytest_parses_paths(inline_pytest, kata_repo):
    """--impl DIR works as a plain command line (the plugin is an entry point)."""
    result = inline_pytest("--impl", str(impl_copy(kata_repo)), ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "unrecognized arguments" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--impl", "no/such/dir"], "--impl no/such/dir: no such directory"),
        (["--solutions", "--impl", "src"], "use either --solutions or --impl DIR, not both"),
        (["--device", "tpu"], "--device tpu: unknown device"),
    ],
)
def test_bad_options_are_one_line_usage_errors(inline_pytest, args, message):
    result = inline_pytest(*args, ENV)
    assert result.returncode == 4
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_impl_missing_a_module_is_a_usage_error(inline_pytest, kata_repo):
    impl = impl_copy(kata_repo)
    (impl / "creation.py").unlink()
    result = inline_pytest("--impl", str(impl), ENV)
    assert result.returncode == 4
    assert "is not laid out like src/: missing creation.py" in result.stderr
    assert "Traceback" not in result.stderr


# -- devices --------------------------------------------------------------------


def test_header_names_found_and_missing_devices(inline_pytest):
    result = inline_pytest("--solutions", ENV)
    header = next(ln for ln in result.stdout.splitlines() if "devices:" in ln)
    assert "cpu" in header
    for name, present in (
        ("cuda", torch.cuda.is_available()),
        ("mps", torch.backends.mps.is_available()),
    ):
        assert (f"{name}: not available" in header) is not present, header


def test_device_fixture_runs_once_per_selected_device(kata_repo, inline_pytest):
    (kata_repo / "katas" / "test_zz_device.py").write_text(
        "def test_on(device):\n    import torch\n    assert isinstance(device, torch.device)\n"
    )
    result = inline_pytest("--solutions", "-v", "katas/test_zz_device.py")
    assert "test_on[cpu] PASSED" in result.stdout
    result = inline_pytest("--solutions", "-v", "--device", "cpu", "katas/test_zz_device.py")
    assert "1 passed" in result.stdout


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available here")
def test_asking_for_an_unavailable_device_is_an_error(inline_pytest):
    result = inline_pytest("--device", "cuda", ENV)
    assert result.returncode == 4
    assert "--device cuda: cuda is not available on this machine (available: cpu" in result.stderr


# -- determinism ------------------------------------------------------------------


def test_every_test_starts_from_the_same_seed(kata_repo, inline_pytest):
    (kata_repo / "katas" / "test_zz_seed.py").write_text(
        "import random, numpy, torch\n"
        "seen = []\n"
        "def draw():\n"
        "    return (torch.rand(3).tolist(), numpy.random.rand(), random.random())\n"
        "def test_a():\n    seen.append(draw())\n"
        "def test_b():\n    seen.append(draw())\n"
        "def test_same():\n    assert seen[0] == seen[1] == draw()\n"
        "import pytest\n"
        "@pytest.fixture\n"
        "def drawn():\n    return draw()\n"
        "def test_fixtures_are_seeded_too(drawn):\n    assert drawn == seen[0]\n"
    )
    result = inline_pytest("--solutions", "katas/test_zz_seed.py")
    assert "4 passed" in result.stdout, result.stdout


# -- learner-friendly output ------------------------------------------------------


def test_stub_reports_not_started_without_a_traceback(inline_pytest):
    result = inline_pytest("--no-focus", ENV)
    assert "not started: implement `torch_version` in src/environment.py" in result.stdout
    assert "raise NotImplementedError" not in result.stdout
    assert "Traceback" not in result.stdout


def test_wrong_answer_is_explained_in_tensor_terms(inline_pytest, kata_repo):
    impl = impl_copy(kata_repo)
    source = impl / "creation.py"
    source.write_text(source.read_text().replace("dtype=torch.float32)", "dtype=torch.float64)"))
    result = inline_pytest("--impl", str(impl), "katas/test_01_creation.py")
    assert "dtype torch.float64 should be torch.float32" in result.stdout
    assert "expected: tensor of shape (3,), dtype torch.float32, device cpu" in result.stdout


def test_syntax_error_names_file_and_line_and_other_katas_still_run(inline_pytest, kata_repo):
    impl = impl_copy(kata_repo)
    source = impl / "creation.py"
    lines = source.read_text().splitlines()
    target = next(i for i, ln in enumerate(lines) if "return torch.tensor(values)" in ln)
    lines[target] = "    return torch.tensor(values"
    source.write_text("\n".join(lines) + "\n")
    result = inline_pytest("--impl", str(impl), *FIRST_THREE)
    out = result.stdout
    assert (
        "impl/creation.py could not be imported" in out
        or "creation.py could not be imported" in out
    )
    assert re.search(r"creation\.py:\d+: SyntaxError", out), out
    assert "Traceback" not in out
    assert count(out, "passed") > 40  # kata 00 and 02 still ran
    assert count(out, "error") == 1


def test_name_error_at_import_names_the_learner_line(inline_pytest, kata_repo):
    impl = impl_copy(kata_repo)
    source = impl / "numpy_bridge.py"
    source.write_text(source.read_text() + "\nresult = undefined_name + 1\n")
    result = inline_pytest("--impl", str(impl), BRIDGE)
    assert re.search(r"numpy_bridge\.py:\d+: NameError: name 'undefined_name'", result.stdout)
    assert "result = undefined_name + 1" in result.stdout


def next_line(output: str) -> str:
    """The Next line at the end of a run, its wrapped rows joined."""
    lines = output.strip().splitlines()
    start = max(n for n, ln in enumerate(lines) if ln.startswith("Next:"))
    return " ".join(ln.strip() for ln in lines[start:])


def test_focus_shows_failures_of_the_first_unfinished_kata_only(inline_pytest):
    result = inline_pytest(*FIRST_THREE)
    view = result.stdout.split(" failed in ")[1]
    assert "src/environment.py" in view
    assert "src/creation.py" not in view and "src/numpy_bridge.py" not in view
    hidden = re.search(r"Focus hid (\d+) failures of other katas", view)
    assert hidden, view
    total = re.search(r"=+ (\d+) failed", result.stdout)
    assert 0 < int(hidden.group(1)) < int(total.group(1))
    assert re.search(r"kata 00 environment: 0/\d+ pass", view)

    unfocused = inline_pytest("--no-focus", *FIRST_THREE)
    assert "not started: implement `from_list` in src/creation.py" in unfocused.stdout
    assert re.search(r"01 creation\s+0/\d+\s+not started", unfocused.stdout)


def test_progress_and_next_step_are_printed_last(inline_pytest):
    result = inline_pytest(*FIRST_THREE)
    assert re.search(r"0/\d+ katas", result.stdout)
    assert next_line(result.stdout).startswith(
        "Next: kata 00 (Check your set-up): edit `torch_version` in src/environment.py"
    )
    assert "kata hint 00" in next_line(result.stdout)


def test_learner_results_are_saved_for_the_kata_command(inline_pytest, kata_repo):
    inline_pytest("--solutions", ENV)
    assert not (kata_repo / ".kata" / "results.json").exists(), "only learner runs are kept"
    inline_pytest(ENV)
    saved = json.loads((kata_repo / ".kata" / "results.json").read_text())
    assert saved["katas"]["00"]["passed"] == 0
    assert saved["katas"]["00"]["total"] > 5


# -- time limits --------------------------------------------------------------------


def test_endless_loop_in_learner_code_times_out(inline_pytest, kata_repo):
    impl = impl_copy(kata_repo)
    source = impl / "environment.py"
    source.write_text(
        source.read_text().replace(
            "    return torch.__version__\n", "    while True:\n        pass\n"
        )
    )
    result = inline_pytest("--impl", str(impl), "--kata-timeout", "0.5", ENV, timeout=60)
    assert "timed out after 0.5 s of CPU time in `torch_version`" in result.stdout
    assert count(result.stdout, "passed") > 10


def test_endless_loop_at_import_times_out(inline_pytest, kata_repo):
    impl = impl_copy(kata_repo)
    (impl / "environment.py").write_text("while True:\n    pass\n")
    result = inline_pytest("--impl", str(impl), "--kata-timeout", "0.5", *FIRST_THREE, timeout=60)
    assert "timed out after 0.5 s of CPU time" in result.stdout
    assert "(while importing)" in result.stdout
    assert count(result.stdout, "passed") > 40


@pytest.fixture
def slow_library(kata_repo):
    """``add_slow_library`` for in-process runs: its modules leave ``sys.modules`` after."""
    yield functools.partial(add_slow_library, kata_repo)
    for name in [n for n in sys.modules if n.split(".")[0] == SLOW_PACKAGE]:
        del sys.modules[name]


def test_a_slow_first_import_the_catalogue_names_is_made_before_the_clock(
    inline_pytest, slow_library
):
    words = slow_library(2.0, catalogued=True)
    result = inline_pytest("--no-focus", "--kata-timeout", "1", "-k", words, ENV, timeout=60)
    assert (count(result.stdout, "passed"), count(result.stdout, "failed")) == (2, 0), result.stdout


def test_a_limit_inside_a_library_import_unloads_it_and_later_tests_run(
    inline_pytest, slow_library
):
    words = slow_library(2.0, catalogued=False)
    result = inline_pytest("--no-focus", "--kata-timeout", "1", "-k", words, ENV, timeout=60)
    assert (count(result.stdout, "passed"), count(result.stdout, "failed")) == (1, 1), result.stdout
    assert (
        f"timed out after 1 s of CPU time while importing `{SLOW_PACKAGE}.slow`, not in your "
        "code: unloaded 1 module this test had imported; "
        "the next test imports them afresh"
    ) in result.stdout
    assert "AttributeError" not in result.stdout


# -- imports and stubs ----------------------------------------------------------------


def test_learner_modules_are_never_stale(tmp_path):
    """Two same-size edits within one second: the second import sees the second."""
    module = tmp_path / "adder.py"
    module.write_text("def f(a, b):\n    return a + b\n")
    importer.install(tmp_path)
    try:
        from learner import adder

        assert adder.f(3, 2) == 5
        stat = module.stat()
        module.write_text("def f(a, b):\n    return a - b\n")
        import os

        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        importer.install(tmp_path)
        from learner import adder as again

        assert again.f(3, 2) == 1
        assert not (tmp_path / "__pycache__").exists()
    finally:
        importer.uninstall()


def test_shipped_stubs_are_made_from_the_solutions():
    root = Path(__file__).resolve().parents[1]
    for kata in load(root).katas:
        if (root / kata.module_file("solutions")).exists():
            shipped = (root / kata.module_file()).read_text()
            assert shipped == stubs.stub_for(root, kata), f"{kata.module_file()} drifted"


def test_stub_keeps_signature_and_docstring_and_drops_helpers():
    kata = load(Path(__file__).resolve().parents[1]).find("01")
    source = (
        '"""Doc."""\nimport torch\n\nLIMIT = 3\n\n\ndef _helper(x):\n    return x\n\n\n'
        'def answer(x: int) -> int:\n    """Say what to do."""\n    y = _helper(x)\n'
        "    return y * LIMIT\n"
    )
    stub = stubs.make_stub(source, kata)
    assert "LIMIT = 3" in stub and "_helper" not in stub
    assert (
        'def answer(x: int) -> int:\n    """Say what to do."""\n    raise NotImplementedError('
        in stub
    )
    assert "y * LIMIT" not in stub


def test_stub_of_a_class_keeps_it_and_empties_each_method():
    kata = load(Path(__file__).resolve().parents[1]).find("09")
    source = (
        'from torch import nn\n\n\nclass Model(nn.Module):\n    """A model."""\n\n'
        "    def __init__(self, n: int) -> None:\n        super().__init__()\n"
        '        self.n = n\n\n    def forward(self, x):\n        """Say what."""\n'
        "        return x * self.n\n"
    )
    stub = stubs.make_stub(source, kata)
    assert 'class Model(nn.Module):\n    """A model."""\n\n    def __init__(self, n: int)' in stub
    assert "super().__init__()" not in stub and "x * self.n" not in stub
    assert "implement Model.__init__() in src/devices.py" in stub
    forward = 'def forward(self, x):\n        """Say what."""\n        raise NotImplementedError('
    assert forward in stub
    compile(stub, "devices.py", "exec")


def test_next_step_names_the_class_whose_method_fails(inline_pytest, kata_repo):
    impl = impl_copy(kata_repo)
    source = impl / "devices.py"
    text = source.read_text()
    broken = "super().__init__()\n        raise KeyError\n"
    source.write_text(text.replace("super().__init__()\n", broken, 1))
    result = inline_pytest("--impl", str(impl), "katas/test_09_devices.py")
    assert "edit `Polynomial` in src/devices.py" in next_line(result.stdout)


def test_next_step_names_the_class_a_test_reaches_through_a_helper(inline_pytest, kata_repo):
    impl = impl_copy(kata_repo)
    source = impl / "devices.py"
    horner = "for c in reversed(self.coefficients[:-1]):"
    source.write_text(source.read_text().replace(horner, "for c in self.coefficients[:-1]:"))
    result = inline_pytest("--impl", str(impl), "katas/test_09_devices.py")
    assert "edit `Polynomial` in src/devices.py" in next_line(result.stdout)


def test_next_step_names_the_function_behind_a_wrong_answer(inline_pytest, kata_repo):
    impl = impl_copy(kata_repo)
    source = impl / "creation.py"
    source.write_text(source.read_text().replace("dtype=torch.float32)", "dtype=torch.float64)"))
    result = inline_pytest("--impl", str(impl), "katas/test_01_creation.py")
    assert "edit `float32_tensor` in src/creation.py" in next_line(result.stdout)
