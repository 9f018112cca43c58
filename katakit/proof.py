"""What ``kata check`` proves of one kata, and the rules that judge it.

A kata proves itself when no test passes on the stub (and at least one
applies), every test passes on the reference solution, and its tests catch
every catalogued mistake, accept every alternative answer and, with
``--mutate``, kill every mutant of the solution that ``mutants.toml`` does not
explain. Tests
are counted by ``katakit.outcomes``: a skipped test is not applicable here,
never a failure.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from katakit.catalog import Kata
from katakit.console import utf8_stdout
from katakit.mutate import Mutant
from katakit.outcomes import Count

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MIN_MISTAKES = 3
EQUIVALENTS_FILE = "mutants.toml"


@dataclass(frozen=True)
class Variant:
    """A file under mistakes/ or alternatives/: functions that replace a solution's."""

    name: str
    why: str
    path: Path


def variants(root: Path, folder: str, kata: Kata) -> list[Variant]:
    """The kata's files in ``folder`` (``mistakes`` or ``alternatives``), by name."""
    found = []
    for path in sorted((root / folder / kata.module).glob("*.py")):
        text = path.read_text(encoding="utf-8")
        doc = text.strip().split('"""')
        starts_with_doc = len(doc) > 2 and text.lstrip().startswith('"""')
        why = doc[1].strip().splitlines()[0] if starts_with_doc else ""
        found.append(Variant(path.stem, why, path))
    return found


def caught(count: Count) -> bool:
    """A run catches a mistake or kills a mutant when a test fails or the file fails to load."""
    return count.failed > 0 or count.error is not None


@dataclass
class Mutation:
    """A kata's mutants and what became of each."""

    killed: list[Mutant] = field(default_factory=list)
    equivalent: list[Mutant] = field(default_factory=list)
    survived: list[Mutant] = field(default_factory=list)
    crashed: list[Mutant] = field(default_factory=list)  # no test failed, the run broke

    @property
    def every(self) -> list[Mutant]:
        return [*self.killed, *self.equivalent, *self.survived, *self.crashed]

    @property
    def mutants(self) -> int:
        return len(self.every)

    @property
    def ok(self) -> bool:
        return not self.survived and not self.crashed

    def as_json(self) -> dict:
        return {
            "mutants": self.mutants,
            "killed": len(self.killed),
            "equivalent": len(self.equivalent),
            "survived": [m.id for m in self.survived],
            "crashed": [m.id for m in self.crashed],
        }


@dataclass
class KataProof:
    """The evidence for one kata, and the problems it shows."""

    kata: Kata
    stub: Count = field(default_factory=Count)
    solution: Count = field(default_factory=Count)
    failing: list[str] = field(default_factory=list)  # tests failing on the solution
    mistakes: list[tuple[Variant, bool]] = field(default_factory=list)  # (mistake, caught)
    alternatives: list[tuple[Variant, bool]] = field(default_factory=list)  # (answer, passes)
    mutation: Mutation | None = None  # with --mutate only
    problems: list[str] = field(default_factory=list)

    @property
    def stub_fails(self) -> bool:
        """No test passes on the stub, and at least one applies."""
        return self.stub.passed == 0 and self.stub.applicable > 0

    @property
    def solution_passes(self) -> bool:
        return self.solution.all_pass

    @property
    def ok(self) -> bool:
        return not self.problems

    def judge(self) -> None:
        """Add a problem for every rule the evidence breaks."""
        if not self.stub_fails:
            self.problems.append(
                f"{self.stub.passed} test(s) pass on the untouched stub"
                if self.stub.applicable
                else "no applicable tests (none collected, or all skipped)"
            )
        if not self.solution_passes:
            why = ", ".join(self.failing[:3]) or self.solution.error or "tests did not run"
            self.problems.append(f"the reference solution fails: {why}")
        for variant, was_caught in self.mistakes:
            if not was_caught:
                self.problems.append(f"mistake {variant.name} is not caught ({variant.why})")
        if len(self.mistakes) < MIN_MISTAKES:
            self.problems.append(
                f"only {len(self.mistakes)} mistake(s) in mistakes/{self.kata.module}/; "
                f"at least {MIN_MISTAKES} are expected"
            )
        if self.mutation:
            for mutant in self.mutation.survived:
                self.problems.append(
                    f"mutant {mutant.id} survives (line {mutant.line}: {mutant.change}); "
                    f"kill it with a test or explain it in {EQUIVALENTS_FILE}"
                )

    def as_json(self) -> dict:
        data = {
            "id": self.kata.id,
            "name": self.kata.name,
            "stub_fails": self.stub_fails,
            "solution_passes": self.solution_passes,
            "tests": self.solution.total,
            "skipped": self.solution.skipped,
            "mistakes": [{"name": v.name, "why": v.why, "caught": c} for v, c in self.mistakes],
            "alternatives": [
                {"name": v.name, "why": v.why, "passes": p} for v, p in self.alternatives
            ],
            "problems": self.problems,
        }
        if self.mutation:
            data["mutation"] = self.mutation.as_json()
        return data


class EquivalentsError(Exception):
    """``mutants.toml`` cannot be read."""


def load_equivalents(root: Path) -> tuple[dict[str, str], list[str]]:
    """``({mutant id: why}, problems)`` from ``root/mutants.toml`` (absent: none).

    The file lists mutants no test can kill, because they behave exactly like
    the solution::

        [[equivalent]]
        id = "creation.zeros/swap-dtype/1"
        why = "one line: why no test can tell it from the solution"
    """
    path = root / EQUIVALENTS_FILE
    if not path.is_file():
        return {}, []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise EquivalentsError(f"{EQUIVALENTS_FILE}: {exc}") from None
    found: dict[str, str] = {}
    problems = []
    for n, entry in enumerate(data.get("equivalent", []), start=1):
        ident, why = entry.get("id"), entry.get("why")
        if not isinstance(ident, str) or not isinstance(why, str) or not why.strip():
            problems.append(f"{EQUIVALENTS_FILE}: entry #{n} needs an id and a one-line why")
        elif "\n" in why.strip():
            problems.append(f"{EQUIVALENTS_FILE}: the why of {ident} is more than one line")
        elif ident in found:
            problems.append(f"{EQUIVALENTS_FILE}: {ident} is listed twice")
        else:
            found[ident] = why.strip()
    return found, problems


def module_of(mutant_id: str) -> str:
    """The solution module a mutant id names (``creation`` in ``creation.zeros/...``)."""
    return mutant_id.split("/", 1)[0].split(".", 1)[0]


def _mark(ok: bool) -> str:
    return ("✓" if ok else "✗") if utf8_stdout() else ("ok" if ok else "NO")


def _row(proof: KataProof, mutate: bool) -> str:
    caught_n = sum(c for _, c in proof.mistakes)
    all_caught = caught_n == len(proof.mistakes) >= MIN_MISTAKES
    mistakes = f"{_mark(all_caught)} {caught_n}/{len(proof.mistakes)}"
    passing = sum(p for _, p in proof.alternatives)
    alternatives = f"{passing}/{len(proof.alternatives)} pass" if proof.alternatives else "-"
    row = (
        f"{proof.kata.label:<22} {proof.solution.total:>5}  {_mark(proof.stub_fails):<10}  "
        f"{_mark(proof.solution_passes):<15}  {mistakes:<15}  "
    )
    if not mutate:
        return row + alternatives
    m = proof.mutation or Mutation()
    killed = f"{_mark(m.ok)} {len(m.killed)}/{m.mutants - len(m.equivalent)}"
    killed += f" +{len(m.equivalent)} eq" if m.equivalent else ""
    return row + f"{alternatives:<12}  {killed}"


def render(proofs: list[KataProof], summary: dict) -> str:
    """The table, each kata's problems, and a closing line."""
    mutate = "mutation" in summary
    rows = [
        f"{'kata':<22} {'tests':>5}  {'stub fails':<10}  {'solution passes':<15}  "
        f"{'mistakes caught':<15}  "
        + ("alternatives  mutants killed" if mutate else "alternatives")
    ]
    rows += [_row(proof, mutate) for proof in proofs]
    bad = [proof for proof in proofs if not proof.ok]
    for proof in bad:
        rows += ["", f"kata {proof.kata.label}:", *(f"  - {p}" for p in proof.problems)]
    if summary["problems"]:
        rows += ["", "the check itself:", *(f"  - {p}" for p in summary["problems"])]
    figures = f"{summary['runs']} runs in {summary['seconds']:.1f} s"
    if mutate:
        m = summary["mutation"]
        figures += (
            f"; {m['mutants']} mutants: {m['killed']} killed, {m['equivalent']} equivalent, "
            f"{len(m['survived'])} survived"
            + (f", {len(m['crashed'])} crashed" if m.get("crashed") else "")
            + f"; at most {summary['mutant_run_limit_s']:g} s a mutant run"
        )
    if bad or summary["problems"]:
        what = f"{len(bad)} of {len(proofs)} katas fall short" if bad else "the check has problems"
        rows += ["", f"kata check: {what} ({figures}). Fix the problems above."]
    else:
        who = (
            f"all {len(proofs)} katas prove themselves"
            if len(proofs) > 1
            else "the kata proves itself"
        )
        rows += ["", f"kata check: {who} ({figures})."]
    return "\n".join(rows)
