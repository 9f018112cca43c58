"""`kata check`: it passes on the shipped katas and names every shortfall."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from conftest import run

BRIDGE_TESTS = "katas/test_02_numpy_bridge.py"


def check(repo: Path, *args: str):
    return run([sys.executable, "-m", "katakit.check", *args], repo, timeout=300)


def test_check_passes_and_prints_a_table(kata_repo):
    result = check(kata_repo, "00", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    row = r"02 numpy_bridge\s+\d+\s+(ok|✓)\s+(ok|✓)\s+(ok|✓) (\d+)/\4"
    assert re.search(row, result.stdout), result.stdout
    assert "all 2 katas prove themselves" in result.stdout


def test_check_json(kata_repo):
    result = check(kata_repo, "numpy_bridge", "--json")
    data = json.loads(result.stdout)
    (kata,) = data["katas"]
    assert data["ok"] is True
    assert kata["id"] == "02" and kata["stub_fails"] and kata["solution_passes"]
    assert len(kata["mistakes"]) >= 3
    assert all(m["caught"] and m["why"] for m in kata["mistakes"])
    assert all(a["passes"] for a in kata["alternatives"])


def test_a_weakened_test_lets_a_mistake_through_and_fails_the_check(kata_repo):
    tests = kata_repo / BRIDGE_TESTS
    text = tests.read_text()
    # Switch off the two tests that prove to_tensor_shared shares memory.
    for name in (
        "test_to_tensor_shared_sees_writes_to_the_array",
        "test_to_tensor_shared_writes_reach_the_array",
    ):
        text = text.replace(f"def {name}", f"def _off_{name}")
    tests.write_text(text)
    result = check(kata_repo, "02")
    assert result.returncode == 1
    assert "mistake tensor_copies_the_array is not caught" in result.stdout
    assert "1 of 1 katas fall short" in result.stdout


def test_a_stub_that_passes_a_test_fails_the_check(kata_repo):
    stub = kata_repo / "src" / "numpy_bridge.py"
    stub.write_text(
        stub.read_text() + "\n\ndef to_numpy_shared(tensor):\n    return tensor.numpy()\n"
    )
    result = check(kata_repo, "02")
    assert result.returncode == 1
    assert "src/numpy_bridge.py differs from the stub" in result.stdout


def test_a_broken_solution_and_too_few_mistakes_fail_the_check(kata_repo):
    solution = kata_repo / "solutions" / "numpy_bridge.py"
    solution.write_text(solution.read_text().replace("tensor.numpy().copy()", "tensor.numpy()"))
    for extra in sorted((kata_repo / "mistakes" / "numpy_bridge").glob("*.py"))[2:]:
        extra.unlink()
    result = check(kata_repo, "02", "--json")
    assert result.returncode == 1
    (kata,) = json.loads(result.stdout)["katas"]
    assert kata["solution_passes"] is False
    problems = "\n".join(kata["problems"])
    assert "the reference solution fails: test_to_numpy_copy_is_independent" in problems
    assert "only 2 mistake(s)" in problems


def test_unknown_kata_is_a_one_line_error(kata_repo):
    result = check(kata_repo, "99")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "no kata '99'" in result.stderr
