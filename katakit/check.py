"""``kata check``: prove that every kata fails on its stub, passes on its solution,
catches every catalogued learner mistake and accepts every alternative answer;
with ``--mutate``, that its tests also kill every automatic mutant of the
solution that ``mutants.toml`` does not explain.

The check is a short sequence: plan the runs (one ``Step`` per pytest session
against a throwaway tree), run them through ``katakit.runner.pool``, judge the
outcomes into one ``KataProof`` per kata, render a table or JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from katakit.catalog import Catalog, CatalogError, Kata
from katakit.cli import Parser
from katakit.console import KataError, checkout
from katakit.mutate import Mutant, mutants
from katakit.outcomes import Count
from katakit.proof import (
    EQUIVALENTS_FILE,
    EquivalentsError,
    KataProof,
    Mutation,
    Variant,
    caught,
    load_equivalents,
    module_of,
    render,
    variants,
)
from katakit.runner.pool import RUN_LIMIT, Outcome, Run, run_all
from katakit.stubs import stub_for

MUTANT_RUN_LIMIT = 30.0  # seconds for one mutant's run; it stops at its first failure


@dataclass
class Step:
    """One planned pytest run and what its outcome is evidence of."""

    kind: str  # "stubs", "solutions", "mistake", "alternative" or "mutant"
    run: Run
    katas: tuple[Kata, ...]
    variant: Variant | None = None
    mutant: Mutant | None = None


@dataclass
class Plan:
    proofs: dict[str, KataProof]
    steps: list[Step] = field(default_factory=list)
    equivalents: dict[str, str] = field(default_factory=dict)  # mutant id -> why
    problems: list[str] = field(default_factory=list)  # about the check as a whole
    modules: frozenset[str] = frozenset()  # every module of the catalogue


def _tree(base: Path, name: str, sources: dict[str, str]) -> Path:
    tree = base / name
    tree.mkdir()
    for filename, text in sources.items():
        (tree / filename).write_text(text, encoding="utf-8")
    return tree


def plan(root: Path, catalog: Catalog, katas: list[Kata], base: Path, mutate: bool) -> Plan:
    """Every run the check needs, with its tree written under ``base``."""
    result = Plan(
        {k.id: KataProof(k) for k in katas}, modules=frozenset(k.module for k in catalog.katas)
    )
    for kata in katas:
        for what, path in (("test file", kata.tests), ("solution", kata.module_file("solutions"))):
            if not (root / path).is_file():
                result.proofs[kata.id].problems.append(f"missing {what} {path}")
    runnable = tuple(k for k in katas if not result.proofs[k.id].problems)
    solutions = {
        f"{k.module}.py": (root / k.module_file("solutions")).read_text(encoding="utf-8")
        for k in catalog.katas
        if (root / k.module_file("solutions")).is_file()
    }
    stubs = {
        f"{k.module}.py": stub_for(root, k) for k in catalog.katas if f"{k.module}.py" in solutions
    }
    for kata in runnable:
        _compare_stub(root, kata, stubs[f"{kata.module}.py"], result.proofs[kata.id])
    if not runnable:
        return result
    files = tuple(k.tests for k in runnable)
    for kind, sources in (("stubs", stubs), ("solutions", solutions)):
        result.steps.append(Step(kind, Run(_tree(base, kind, sources), files), runnable))
    for kata in runnable:
        name = f"{kata.module}.py"
        for folder, kind in (("mistakes", "mistake"), ("alternatives", "alternative")):
            for variant in variants(root, folder, kata):
                patched = solutions[name] + (
                    f"\n\n# --- {folder}/{kata.module}/{variant.path.name} ---\n"
                    + variant.path.read_text(encoding="utf-8")
                )
                tree = _tree(base, f"{len(result.steps)}", {**solutions, name: patched})
                result.steps.append(Step(kind, Run(tree, (kata.tests,)), (kata,), variant))
        if mutate:
            result.proofs[kata.id].mutation = Mutation()
            _plan_mutants(result, kata, solutions, base)
    return result


def _compare_stub(root: Path, kata: Kata, stub: str, proof: KataProof) -> None:
    """The shipped ``src/`` module must be the stub made from the solution."""
    shipped = root / kata.module_file()
    if not shipped.is_file() or shipped.read_text(encoding="utf-8") != stub:
        proof.problems.append(
            f"{kata.module_file()} differs from the stub made from "
            f"{kata.module_file('solutions')} (edited by accident? "
            "`python -m katakit.stubs` rewrites it)"
        )


def _plan_mutants(result: Plan, kata: Kata, solutions: dict[str, str], base: Path) -> None:
    name = f"{kata.module}.py"
    for mutant in mutants(kata.module, solutions[name]):
        try:
            compile(mutant.source, name, "exec")
        except SyntaxError as exc:
            result.proofs[kata.id].problems.append(f"mutant {mutant.id} does not compile: {exc}")
            continue
        tree = _tree(base, f"{len(result.steps)}", {**solutions, name: mutant.source})
        run = Run(tree, (kata.tests,), first_failure=True, limit=MUTANT_RUN_LIMIT)
        result.steps.append(Step("mutant", run, (kata,), mutant=mutant))


def judge(result: Plan, outcomes: list[Outcome]) -> list[KataProof]:
    """Turn each run's outcome into evidence, then judge every kata by it."""
    for step, outcome in zip(result.steps, outcomes, strict=True):
        judge_step(result, step, outcome)
    _stale_equivalents(result)
    for proof in result.proofs.values():
        if not (proof.problems and proof.stub == Count() and proof.solution == Count()):
            proof.judge()  # not when a file is missing or the runs crashed
    return list(result.proofs.values())


def judge_step(result: Plan, step: Step, outcome: Outcome) -> None:
    """Record what one run's outcome shows of its katas."""
    proofs = [result.proofs[k.id] for k in step.katas]
    count: Count = outcome.count(step.katas[0].tests)
    crash = f"{step.kind} run: {outcome.crashed}\n{outcome.tail()}" if outcome.crashed else ""
    if step.kind in ("stubs", "solutions"):
        for proof in proofs:
            if crash:
                proof.problems.append(crash)
            elif step.kind == "stubs":
                proof.stub = outcome.count(proof.kata.tests)
            else:
                proof.solution = outcome.count(proof.kata.tests)
                proof.failing = outcome.tally.failing(proof.kata.tests)
        return
    (proof,) = proofs
    if step.kind == "mutant":
        _mutant_evidence(result, proof, step.mutant, count, crash)  # type: ignore[arg-type]
    elif crash and not (step.kind == "mistake" and caught(count)):
        proof.problems.append(f"{step.kind} {step.variant.name}: {crash}")  # type: ignore[union-attr]
    elif step.kind == "mistake":
        proof.mistakes.append((step.variant, caught(count)))  # type: ignore[arg-type]
    else:
        proof.alternatives.append((step.variant, count.all_pass))  # type: ignore[arg-type]
        if not count.all_pass:
            names = ", ".join(outcome.tally.failing(proof.kata.tests)[:3]) or count.error
            proof.problems.append(f"alternative {step.variant.name} fails: {names}")  # type: ignore[union-attr]


def _mutant_evidence(
    result: Plan, proof: KataProof, mutant: Mutant, count: Count, crash: str
) -> None:
    mutation = proof.mutation
    assert mutation is not None
    if caught(count):
        mutation.killed.append(mutant)
        if mutant.id in result.equivalents:
            proof.problems.append(
                f"{EQUIVALENTS_FILE} calls {mutant.id} equivalent, but a test kills it: "
                "remove the entry"
            )
    elif crash:
        mutation.crashed.append(mutant)
        proof.problems.append(f"mutant {mutant.id} ({mutant.change}): {crash}")
    elif mutant.id in result.equivalents:
        mutation.equivalent.append(mutant)
    else:
        mutation.survived.append(mutant)


def _stale_equivalents(result: Plan) -> None:
    """An entry of mutants.toml that names no mutant any more is a problem too."""
    made = {m.id for p in result.proofs.values() if p.mutation for m in p.mutation.every}
    checked = {p.kata.module: p for p in result.proofs.values() if p.mutation is not None}
    for ident in result.equivalents:
        module = module_of(ident)
        if ident in made:
            continue
        line = f"{EQUIVALENTS_FILE} lists {ident}, which matches no mutant (stale: remove it)"
        if module in checked:
            checked[module].problems.append(line)
        elif checked and module not in result.modules:
            result.problems.append(line)


def summarise(result: Plan, proofs: list[KataProof], seconds: float) -> dict:
    """The whole check as one JSON-ready object."""
    summary: dict = {
        "ok": all(p.ok for p in proofs) and not result.problems,
        "seconds": round(seconds, 2),
        "runs": len(result.steps),
        "run_limit_s": RUN_LIMIT,
        "katas": [p.as_json() for p in proofs],
        "problems": result.problems,
    }
    counted = [p.mutation.as_json() for p in proofs if p.mutation]
    if counted:
        summary["mutant_run_limit_s"] = MUTANT_RUN_LIMIT
        totals = {key: sum(c[key] for c in counted) for key in ("mutants", "killed", "equivalent")}
        for key in ("survived", "crashed"):
            totals[key] = [ident for c in counted for ident in c[key]]
        summary["mutation"] = totals
    return summary


def prove(
    root: Path, catalog: Catalog, katas: list[Kata], jobs: int, mutate: bool
) -> tuple[Plan, list[KataProof]]:
    """Plan, run and judge; ``(plan, proofs)``."""
    equivalents, problems = load_equivalents(root) if mutate else ({}, [])
    with tempfile.TemporaryDirectory(prefix="kata-check-") as tmp:
        result = plan(root, catalog, katas, Path(tmp), mutate)
        result.equivalents, result.problems = equivalents, problems
        outcomes = run_all(root, [step.run for step in result.steps], jobs)
    return result, judge(result, outcomes)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = Parser(
        prog="kata check",
        description="Prove the katas: stubs fail, solutions pass, every catalogued mistake "
        "is caught and every alternative answer passes; with --mutate, every automatic "
        f"mutant of the solutions is killed or explained in {EQUIVALENTS_FILE}.",
    )
    parser.add_argument("katas", nargs="*", metavar="ID", help="check only these katas")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--mutate", action="store_true", help="also run the tests against mutants of the solutions"
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=int,
        default=os.cpu_count() or 1,
        help="pytest runs at a time (default: the number of CPUs)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    try:
        args = _arguments(argv)
        root, catalog = checkout()
        katas = [catalog.find(key) for key in args.katas] or list(catalog.katas)
        started = time.monotonic()
        result, proofs = prove(root, catalog, katas, max(1, args.jobs), args.mutate)
    except (KataError, CatalogError, EquivalentsError) as exc:
        print(f"kata check: {exc}", file=sys.stderr)
        return 2
    summary = summarise(result, proofs, time.monotonic() - started)
    print(json.dumps(summary, indent=1) if args.json else render(proofs, summary))
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
