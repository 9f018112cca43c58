"""`kata check`: it proves healthy katas and names every shortfall.

One ``kata check --mutate --json`` run per module, against a copy of the
three-kata catalogue in ``tests/kata_fixture/`` with defects planted in two of
its katas; the mutation operators, the table and the usage errors are tested
in this process.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import STUCK_IN_C, learner

from katakit import check, timeouts
from katakit.catalog import Kata
from katakit.mutate import mutants
from katakit.outcomes import Count, Tally
from katakit.proof import KataProof, Mutation, Variant
from katakit.runner.pool import Outcome, Run, run_all

FIXTURE = Path(__file__).parent / "kata_fixture"

STALE = "sums.total/flip-compare/1"  # sums has no comparison
UNKNOWN = "nowhere.f/drop-return/1"  # no such module
KILLED = "copies.doubled/drop-return/1"  # a test kills it


def _copy(tmp: Path) -> Path:
    repo = tmp / "repo"
    shutil.copytree(FIXTURE, repo, ignore=shutil.ignore_patterns("__pycache__", ".kata"))
    return repo


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def proved(tmp_path_factory: pytest.TempPathFactory):
    """``(exit status, JSON, stderr)`` of one check of the fixture with planted defects:
    kata 00 is healthy (one test skips); kata 01 has a test switched off; kata 02 has a
    broken solution, an edited stub and only two mistakes; mutants.toml has a stale
    entry, one for an unknown module and one for a mutant that a test kills."""
    repo = _copy(tmp_path_factory.mktemp("check"))
    _edit(
        repo / "katas/check_01_copies.py",
        "def test_frozen_has_its_own_memory",
        "def _off_test_frozen_has_its_own_memory",
    )
    _edit(repo / "solutions/sums.py", "return t.sum()", "return t.sum() + 1")
    _edit(repo / "src/sums.py", "raise NotImplementedError", "return t.sum()  #")
    (repo / "mistakes/sums/mean.py").unlink()
    with open(repo / "mutants.toml", "a", encoding="utf-8") as toml:
        for ident in (STALE, UNKNOWN, KILLED):
            toml.write(f'\n[[equivalent]]\nid = "{ident}"\nwhy = "planted"\n')
    result = subprocess.run(
        [sys.executable, "-m", "katakit.check", "--mutate", "--json"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    return result.returncode, json.loads(result.stdout or "{}"), result.stderr


def _kata(data: dict, name: str) -> dict:
    (kata,) = [k for k in data["katas"] if k["name"] == name]
    return kata


def test_a_kata_with_a_skipped_test_proves_itself(proved):
    _, data, stderr = proved
    scale = _kata(data, "scale")
    assert scale["problems"] == [], stderr
    assert scale["stub_fails"] and scale["solution_passes"]
    assert (scale["tests"], scale["skipped"]) == (11, 1)
    assert all(m["caught"] and m["why"] for m in scale["mistakes"]) and len(scale["mistakes"]) == 3
    assert [a["passes"] for a in scale["alternatives"]] == [True]


def test_a_switched_off_test_lets_a_mistake_and_a_mutant_through(proved):
    code, data, _ = proved
    copies = _kata(data, "copies")
    problems = "\n".join(copies["problems"])
    assert code == 1 and data["ok"] is False
    assert "mistake the_input_itself is not caught" in problems
    assert "mistake detach_is_a_copy is not caught" in problems
    assert copies["mutation"]["survived"] == ["copies.frozen/drop-clone/1"]
    assert "mutant copies.frozen/drop-clone/1 survives (line 10: t.clone() -> t)" in problems


def test_a_broken_solution_an_edited_stub_and_too_few_mistakes(proved):
    _, data, _ = proved
    sums = _kata(data, "sums")
    problems = "\n".join(sums["problems"])
    assert sums["solution_passes"] is False
    assert "the reference solution fails: test_total_of_a_vector, test_total_of_a_matrix" in (
        problems
    )
    assert "only 2 mistake(s) in mistakes/sums/" in problems
    assert "src/sums.py differs from the stub made from solutions/sums.py" in problems


def test_equivalents_that_name_no_mutant_or_a_killed_one_are_problems(proved):
    _, data, _ = proved
    assert f"mutants.toml lists {STALE}, which matches no mutant" in "\n".join(
        _kata(data, "sums")["problems"]
    )
    assert [p for p in data["problems"] if UNKNOWN in p]
    assert f"mutants.toml calls {KILLED} equivalent, but a test kills it" in "\n".join(
        _kata(data, "copies")["problems"]
    )


def test_mutation_json_per_kata_and_in_total(proved):
    _, data, _ = proved
    keys = {"mutants", "killed", "equivalent", "survived", "crashed"}
    per_kata = [k["mutation"] for k in data["katas"]]
    assert all(set(m) == keys for m in per_kata) and set(data["mutation"]) == keys
    assert _kata(data, "scale")["mutation"] == {
        "mutants": 15,
        "killed": 14,
        "equivalent": 1,
        "survived": [],
        "crashed": [],
    }
    for key in ("mutants", "killed", "equivalent"):
        assert data["mutation"][key] == sum(m[key] for m in per_kata)
    assert data["mutation"]["survived"] == ["copies.frozen/drop-clone/1"]
    assert data["mutant_run_limit_s"] == check.MUTANT_RUN_LIMIT
    assert data["runs"] == 2 + 9 + data["mutation"]["mutants"]  # stubs, solutions, variants


def test_a_mutant_that_loops_forever_is_killed_by_the_per_test_time_limit(proved):
    _, data, _ = proved
    source = (FIXTURE / "solutions" / "scale.py").read_text(encoding="utf-8")
    (looping,) = [m for m in mutants("scale", source) if m.change == "0.5 -> 1.0"]
    assert looping.id == "scale.halvings/change-constant/2"
    assert looping.id not in _kata(data, "scale")["mutation"]["survived"]
    assert data["mutation"]["crashed"] == []


def _step_outcome(failed: int, crashed: str | None):
    kata = Kata("00", "scale", "t", "scale", "katas/check_00_scale.py", "s", ())
    (mutant, *_) = mutants("scale", (FIXTURE / "solutions" / "scale.py").read_text())
    result = check.Plan({"00": KataProof(kata, mutation=Mutation())})
    run = Run(Path("tree"), (kata.tests,))
    tally = Tally()
    tally.collect(f"{kata.tests}::test_a", 2)
    for _ in range(failed):
        tally.add(SimpleNamespace(nodeid=f"{kata.tests}::test_a", when="call", failed=True))
    check.judge_step(
        result, check.Step("mutant", run, (kata,), mutant=mutant), Outcome(tally, "log", crashed)
    )
    return result.proofs["00"]


def test_a_crashed_mutant_run_counts_as_killed_only_after_a_test_failed():
    proof = _step_outcome(failed=1, crashed="the pytest run crashed (exit status -11)")
    assert (len(proof.mutation.killed), proof.problems) == (1, [])
    proof = _step_outcome(failed=0, crashed="the pytest run crashed (exit status -11)")
    assert not proof.mutation.killed and len(proof.mutation.crashed) == 1
    assert "the pytest run crashed (exit status -11)" in proof.problems[0]
    proof = _step_outcome(failed=0, crashed=None)
    assert len(proof.mutation.survived) == 1 and not proof.mutation.crashed


# -- the mutation operators -------------------------------------------------------

SLIPS = '''
import torch


def step(x: torch.Tensor, lr: float = 0.5) -> torch.Tensor:
    """One gradient step."""
    with torch.no_grad():
        x -= lr * x.grad
    x.grad.zero_()
    return x


def moved(t, device):
    return t.clone().to(device, torch.float32)


def grow(t):
    if t.numel() >= 3:
        return t.add(1)
    t.grad = None
    return t.unsqueeze_(0).detach()
'''


def test_a_pool_run_ended_by_the_cpu_watchdog_says_so_with_the_line(
    kata_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = kata_repo / "katas.toml"
    module = 'module = "environment"\n'
    catalog.write_text(catalog.read_text().replace(module, module + "timeout = 0.2\n", 1))
    monkeypatch.setattr(timeouts, "GRACE", 0.3)  # a forked run reads it here
    monkeypatch.setenv("KATA_WATCHDOG_GRACE", "0.3")  # a spawned one from its environment
    impl, line = learner(kata_repo, STUCK_IN_C["torch"])
    [outcome] = run_all(kata_repo, [Run(impl, ("katas/test_00_environment.py",), limit=60)], 1)
    assert outcome.crashed == f"the pytest run crashed (a test {timeouts.WATCHDOG_ENDED})"
    assert f'environment.py", line {line} in torch_version' in outcome.log


def test_mutants_of_learner_slips_and_classic_changes():
    found = [(m.id, m.change) for m in mutants("m", SLIPS)]
    assert found == [
        ("m.step/drop-underscore/1", "x -= lr * x.grad -> x = x - lr * x.grad"),
        ("m.step/add-detach/1", "return x -> return x.detach()"),
        ("m.step/drop-zero-grad/1", "x.grad.zero_() -> pass"),
        ("m.step/drop-no-grad/1", "with torch.no_grad(): x -= lr * x.grad -> x -= lr * x.grad"),
        ("m.step/change-default/1", "0.5 -> 0.25"),
        ("m.step/drop-return/1", "return x -> return"),
        ("m.moved/drop-clone/1", "t.clone() -> t"),
        ("m.moved/swap-dtype/1", "torch.float32 -> torch.float64"),
        ("m.moved/return-input/1", "return t.clone().to(device, torch.float32) -> return t"),
        ("m.moved/drop-to/1", "t.clone().to(device, torch.float32) -> t.clone()"),
        (
            "m.moved/drop-return/1",
            "return t.clone().to(device, torch.float32) -> "
            "t.clone().to(device, torch.float32); return",
        ),
        (
            "m.moved/swap-args/1",
            "t.clone().to(device, torch.float32) -> t.clone().to(torch.float32, device)",
        ),
        ("m.grow/drop-underscore/1", "t.unsqueeze_(0) -> t.unsqueeze(0)"),
        ("m.grow/add-underscore/1", "t.add(1) -> t.add_(1)"),
        ("m.grow/add-underscore/2", "t.unsqueeze_(0).detach() -> t.unsqueeze_(0).detach_()"),
        ("m.grow/add-detach/1", "return t.add(1) -> return t.add(1).detach()"),
        ("m.grow/drop-zero-grad/1", "t.grad = None -> pass"),
        ("m.grow/flip-compare/1", "t.numel() >= 3 -> t.numel() > 3"),
        ("m.grow/change-constant/1", "3 -> 4"),
        ("m.grow/change-constant/2", "1 -> 2"),
        ("m.grow/change-constant/3", "0 -> 1"),
        ("m.grow/return-input/1", "return t.add(1) -> return t"),
        ("m.grow/return-input/2", "return t.unsqueeze_(0).detach() -> return t"),
        ("m.grow/drop-return/1", "return t.add(1) -> t.add(1); return"),
        (
            "m.grow/drop-return/2",
            "return t.unsqueeze_(0).detach() -> t.unsqueeze_(0).detach(); return",
        ),
    ]


def test_a_mutant_replaces_one_function_and_keeps_the_rest():
    (mutant,) = [m for m in mutants("m", SLIPS) if m.id == "m.grow/flip-compare/1"]
    assert "if t.numel() > 3:" in mutant.source
    assert mutant.source.count("def ") == 3
    assert mutant.source.split("def grow")[0] == SLIPS.split("def grow")[0]
    compile(mutant.source, "m.py", "exec")


def test_ids_stay_put_when_another_function_changes():
    before = {m.id: m.change for m in mutants("m", SLIPS) if m.function == "grow"}
    edited = SLIPS.replace("    x.grad.zero_()\n", "")
    after = {m.id: m.change for m in mutants("m", edited) if m.function == "grow"}
    assert before == after


def test_no_mutants_of_annotations_docstrings_or_module_functions():
    source = (
        "import torch\n\n\ndef f(x: 'torch.float32' = None) -> torch.Tensor:\n"
        '    """Uses 2 tensors."""\n    return torch.add(x, x)\n'
    )
    assert [(m.operator, m.change) for m in mutants("m", source)] == [
        ("return-input", "return torch.add(x, x) -> return x"),
        ("drop-return", "return torch.add(x, x) -> torch.add(x, x); return"),
    ]


# -- the table and the command line ----------------------------------------------


def _proof(name: str, kata_id: str, **kw) -> KataProof:
    kata = Kata(kata_id, name, name, name, f"katas/check_{kata_id}.py", "s", ())
    mistakes = [(Variant(f"m{i}", "why", Path(f"m{i}.py")), True) for i in range(3)]
    return KataProof(
        kata,
        stub=Count(failed=4, skipped=1, total=5),
        solution=Count(passed=4, skipped=1, total=5),
        mistakes=mistakes,
        **kw,
    )


def test_the_table_has_a_mutants_column_and_a_closing_line(monkeypatch):
    monkeypatch.setattr("katakit.proof.utf8_stdout", lambda: False)
    done = Mutation(killed=list(mutants("m", SLIPS))[:6], equivalent=list(mutants("m", SLIPS))[6:7])
    proofs = [_proof("alpha", "00", mutation=done), _proof("beta", "01", mutation=Mutation())]
    summary = {
        "runs": 20,
        "seconds": 1.5,
        "problems": [],
        "mutant_run_limit_s": 30.0,
        "mutation": {"mutants": 7, "killed": 6, "equivalent": 1, "survived": []},
    }
    text = check.render(proofs, summary)
    assert "alternatives  mutants killed" in text.splitlines()[0]
    assert re.search(r"00 alpha\s+5  ok\s+ok\s+ok 3/3\s+-\s+ok 6/6 \+1 eq", text), text
    assert "all 2 katas prove themselves (20 runs in 1.5 s; 7 mutants: 6 killed" in text
    assert "at most 30 s a mutant run" in text


def test_unknown_kata_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(_copy(tmp_path))
    assert check.main(["99"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no kata '99'" in err


def test_outside_a_checkout_and_a_broken_mutants_toml_are_one_line_errors(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    assert check.main([]) == 2
    assert capsys.readouterr().err.startswith("kata check: not inside a torch-katas checkout")
    repo = _copy(tmp_path)
    (repo / "mutants.toml").write_text("[[equivalent]\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    assert check.main(["--mutate"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("kata check: mutants.toml:")


def test_mutants_of_a_method_keep_its_indentation_and_skip_self():
    source = (
        "from torch import nn\n\n\nclass Model(nn.Module):\n    def forward(self, x):\n"
        "        return x * 2\n\n\ndef f(y):\n    return y\n"
    )
    found = {m.id: m for m in mutants("m", source)}
    assert sorted(found) == [
        "m.Model.forward/change-constant/1",
        "m.Model.forward/drop-return/1",
        "m.Model.forward/return-input/1",
        "m.f/drop-return/1",
    ]
    returned = found["m.Model.forward/return-input/1"]
    assert returned.function == "Model.forward" and returned.change == "return x * 2 -> return x"
    method = "class Model(nn.Module):\n    def forward(self, x):\n        return x\n"
    assert method in returned.source
    for mutant in found.values():
        compile(mutant.source, "m.py", "exec")
