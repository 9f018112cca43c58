"""The ``kata`` command, driven in throwaway copies of the repository."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest

from katakit import backup, catalog, hints, importer, progress, results, shell
from katakit.cli import main
from katakit.stubs import stub_for


def run(cmd: list[str], cwd: Path, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """``cmd`` in ``cwd``, output as text (the same as conftest's helper)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120, env=env, **kw)


KATA = "01"  # the kata most tests work on: creation (it has three hints)


class _Terminal(io.StringIO):
    """A stdin that claims to be a terminal and answers with its text."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def repo(kata_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The copied repository as the current folder, with a stdin that is not a terminal."""
    monkeypatch.chdir(kata_repo)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    return kata_repo


def kata(root: Path, key: str = KATA) -> catalog.Kata:
    return catalog.load(root).find(key)


def save(root: Path, **counts: tuple[int, int]) -> None:
    """Save results as the plugin would: ``save(root, k00=(15, 15), k01=(2, 33))``."""
    found = {}
    for key, (passed, total) in counts.items():
        k = kata(root, key[1:])
        found[k.id] = results.KataResult(passed, total, mtime=results.module_mtime(root, k))
    results.save(root, found)


def all_done(root: Path) -> None:
    found = {
        k.id: results.KataResult(3, 3, mtime=results.module_mtime(root, k))
        for k in catalog.load(root).katas
    }
    results.save(root, found)


def kata_cmd(*args: str, cwd: Path, **kw) -> tuple[int, str, str]:
    """``kata ARGS`` in a separate process: (status, stdout, stderr)."""
    proc = run([sys.executable, "-m", "katakit.cli", *args], cwd, **kw)
    return proc.returncode, proc.stdout, proc.stderr


def assert_one_line_error(rc: int, err: str, status: int = 2) -> None:
    assert rc == status
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("kata: ")


# -- status ------------------------------------------------------------------------


def test_status_before_any_run(repo: Path, capsys: pytest.CaptureFixture) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "0/" in out and "katas complete" in out
    assert out.count("not run yet") == len(catalog.load(repo).katas)
    assert "kata status --run" in out.strip().splitlines()[-1]


def test_status_table_and_next(repo: Path, capsys: pytest.CaptureFixture) -> None:
    save(repo, k00=(15, 15), k01=(2, 33))
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "1/" in lines[0] and "katas complete" in lines[0]
    row00 = next(line for line in lines if " 00 environment" in line)
    row01 = next(line for line in lines if " 01 creation" in line)
    assert "15/15" in row00 and "done" in row00
    assert "2/33" in row01 and "in progress" in row01 and "you are here" in row01
    assert "stale" not in out
    assert lines[-1].startswith("Next: kata 01") and "kata hint 01" in lines[-1]


def test_status_json(repo: Path, capsys: pytest.CaptureFixture) -> None:
    save(repo, k00=(15, 15), k01=(2, 33))
    assert main(["status", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"katas", "next"}
    assert data["next"] == "01"
    ids = [k.id for k in catalog.load(repo).katas]
    assert [row["id"] for row in data["katas"]] == ids
    for row in data["katas"]:
        assert set(row) == {"id", "name", "module", "state", "passed", "total"}
        assert row["module"] == f"src/{kata(repo, row['id']).module}.py"
    by_id = {row["id"]: row for row in data["katas"]}
    assert by_id["00"] == {
        "id": "00",
        "name": "environment",
        "module": "src/environment.py",
        "state": "done",
        "passed": 15,
        "total": 15,
    }
    assert (by_id["01"]["state"], by_id["01"]["passed"], by_id["01"]["total"]) == (
        "in_progress",
        2,
        33,
    )
    assert (by_id["02"]["state"], by_id["02"]["passed"], by_id["02"]["total"]) == (
        "not_started",
        0,
        0,
    )


def test_status_json_when_all_done(repo: Path, capsys: pytest.CaptureFixture) -> None:
    all_done(repo)
    assert main(["--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["next"] is None
    assert {row["state"] for row in data["katas"]} == {"done"}
    assert main(["status"]) == 0
    assert "Every kata is complete" in capsys.readouterr().out


def test_status_flags_stale_results(repo: Path, capsys: pytest.CaptureFixture) -> None:
    save(repo, k00=(15, 15), k01=(0, 33))
    later = time.time() + 5
    os.utime(repo / "src/creation.py", (later, later))
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    row01 = next(line for line in out.splitlines() if " 01 creation" in line)
    assert "src/creation.py changed since" in row01
    assert "stale" in out and "kata status --run" in out
    row00 = next(line for line in out.splitlines() if " 00 environment" in line)
    assert "changed" not in row00


def test_status_run_runs_the_katas(repo: Path, capsys: pytest.CaptureFixture) -> None:
    # keep one kata, so the run is quick; solve it with its reference solution
    for test_file in (repo / "katas").glob("test_*.py"):
        if not test_file.name.startswith("test_00_"):
            test_file.unlink()
    (repo / "src/environment.py").write_text((repo / "solutions/environment.py").read_text())
    rc = main(["status", "--run"])
    out, err = capsys.readouterr()
    assert rc == 0, err
    assert "pytest: " in out and "passed" in out
    row00 = next(line for line in out.splitlines() if " 00 environment" in line)
    assert "done" in row00
    assert out.strip().splitlines()[-1].startswith("Next: kata 01")
    assert results.load(repo)["00"].state == "done"
    rc = main(["status", "--json"])  # what the run saved
    assert rc == 0 and json.loads(capsys.readouterr().out)["next"] == "01"


def test_status_run_json_keeps_the_runs_lines_off_stdout(
    repo: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fake_run(root: Path) -> None:
        print("pytest: 3 passed")
        save(root, k00=(3, 3))

    monkeypatch.setattr(progress, "run_katas", fake_run)
    rc = main(["status", "--run", "--json"])
    out, err = capsys.readouterr()
    assert rc == 0 and "pytest: 3 passed" in err
    assert json.loads(out)["next"] == "01"


def test_status_does_not_import_torch(kata_repo: Path) -> None:
    rc, out, err = kata_cmd("status", cwd=kata_repo, env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert rc == 0
    imported = {line.split("|")[-1].strip().split(".")[0] for line in err.splitlines()}
    assert "katakit" in imported
    assert not imported & {"torch", "numpy", "pytest", "IPython"}


# -- list ----------------------------------------------------------------------


def test_list_shows_every_kata(repo: Path, capsys: pytest.CaptureFixture) -> None:
    save(repo, k00=(15, 15), k01=(2, 33))
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for k in catalog.load(repo).katas:
        row = next(line for line in out.splitlines() if f" {k.id} {k.name} " in line)
        assert k.title in row and k.section in row
    row00 = next(line for line in out.splitlines() if " 00 environment " in line)
    row01 = next(line for line in out.splitlines() if " 01 creation " in line)
    assert "done" in row00 and "in progress 2/33" in row01
    assert out.strip().splitlines()[-1].startswith("Next: kata 01")


# -- hint ----------------------------------------------------------------------


def test_hint_levels(repo: Path, capsys: pytest.CaptureFixture) -> None:
    save(repo, k00=(15, 15))  # so the current kata is 01
    given = hints.available(kata(repo))
    assert len(given) >= 2
    for level, text in enumerate(given, start=1):
        assert main(["hint"]) == 0
        out = capsys.readouterr().out
        assert f"Hint {level}/{len(given)} for kata 01" in out
        assert text in out
        if level < len(given):
            assert f"`kata hint 01` again for hint {level + 1}/{len(given)}" in out
    assert "last hint" in out and "kata solution 01" in out
    assert hints.seen(repo) == {"01": len(given)}
    # asked again: the last one again, still pointing at the solution
    assert main(["hint", "creation"]) == 0
    out = capsys.readouterr().out
    assert given[-1] in out and "last hint" in out and "kata solution 01" in out


def test_hint_named_kata_and_all(repo: Path, capsys: pytest.CaptureFixture) -> None:
    given = hints.available(kata(repo, "00"))
    assert main(["hint", "0"]) == 0
    assert given[0] in capsys.readouterr().out
    assert main(["hint", "00", "--all"]) == 0
    out = capsys.readouterr().out
    assert all(text in out for text in given)
    assert hints.seen(repo)["00"] == len(given)
    assert "Next:" in out


def test_hint_placeholders_are_not_hints() -> None:
    k = catalog.Kata("42", "x", "X", "x", "katas/test_42_x.py", "s", ("TODO", " "))
    assert hints.available(k) == []


# -- reset ---------------------------------------------------------------------


def test_reset_and_undo_round_trip(repo: Path, capsys: pytest.CaptureFixture) -> None:
    target = repo / "src/creation.py"
    mine = target.read_text() + "\n# my work in progress: keep me\nX = 1  \n"
    target.write_text(mine)
    assert main(["reset", "creation", "--yes"]) == 0
    out = capsys.readouterr().out
    assert target.read_text() == stub_for(repo, kata(repo))
    saved = backup.latest(repo, "src/creation.py")
    assert saved is not None and saved.read_text() == mine
    assert saved.relative_to(repo).as_posix() in out
    assert "kata reset --undo 01" in out.strip().splitlines()[-1]

    assert main(["reset", "--undo", "1"]) == 0
    out = capsys.readouterr().out
    assert target.read_text() == mine
    assert "restored" in out and "Next:" in out
    # the stub it replaced was kept as well: nothing is ever lost
    kept = sorted((repo / ".kata/backups").iterdir())
    assert len(kept) == 2
    assert {p.read_text() for p in kept} == {mine, stub_for(repo, kata(repo))}


def test_reset_refuses_without_yes_when_not_a_terminal(
    repo: Path, capsys: pytest.CaptureFixture
) -> None:
    target = repo / "src/creation.py"
    target.write_text(target.read_text() + "# mine\n")
    before = target.read_text()
    rc = main(["reset", "01"])
    assert_one_line_error(rc, capsys.readouterr().err)
    assert target.read_text() == before
    assert not (repo / ".kata/backups").exists()


def test_reset_asks_in_a_terminal(
    repo: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = repo / "src/creation.py"
    target.write_text(target.read_text() + "# mine\n")
    before = target.read_text()
    monkeypatch.setattr(sys, "stdin", _Terminal("n\n"))
    assert main(["reset", "01"]) == 1
    assert target.read_text() == before
    monkeypatch.setattr(sys, "stdin", _Terminal("y\n"))
    assert main(["reset", "01"]) == 0
    assert "[y/N]" in capsys.readouterr().out
    assert target.read_text() == stub_for(repo, kata(repo))


def test_reset_of_a_fresh_stub_changes_nothing(repo: Path, capsys: pytest.CaptureFixture) -> None:
    (repo / "src/creation.py").write_text(stub_for(repo, kata(repo)))
    assert main(["reset", "01"]) == 0
    assert "nothing to reset" in capsys.readouterr().out
    assert not (repo / ".kata/backups").exists()


def test_undo_without_a_backup(repo: Path, capsys: pytest.CaptureFixture) -> None:
    assert_one_line_error(main(["reset", "--undo", "01"]), capsys.readouterr().err)


# -- solution ------------------------------------------------------------------


def test_solution_is_gated(
    repo: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    reference = (repo / "solutions/creation.py").read_text().strip()

    assert main(["solution", "01"]) == 1  # never run
    captured = capsys.readouterr()
    assert reference not in captured.out
    assert_one_line_error(1, captured.err, status=1)
    assert "kata hint 01" in captured.err and "--force" in captured.err

    save(repo, k01=(2, 33))
    assert main(["solution", "creation"]) == 1
    assert "2/33" in capsys.readouterr().err

    # --force asks first; without a terminal it needs --yes
    assert_one_line_error(main(["solution", "01", "--force"]), capsys.readouterr().err)
    monkeypatch.setattr(sys, "stdin", _Terminal("n\n"))
    assert main(["solution", "01", "--force"]) == 1
    assert reference not in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", _Terminal("y\n"))
    assert main(["solution", "01", "--force"]) == 0
    assert reference in capsys.readouterr().out
    assert main(["solution", "01", "--force", "--yes"]) == 0
    assert reference in capsys.readouterr().out

    save(repo, k01=(33, 33))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["solution", "1"]) == 0
    out = capsys.readouterr().out
    assert reference in out and "Next:" in out.strip().splitlines()[-1]


# -- shell ---------------------------------------------------------------------


@pytest.fixture
def learner_hook():
    """Forget the ``learner`` import hook ``shell.setup`` installs in this process, afterwards."""
    yield
    importer.uninstall()


def test_shell_setup(kata_repo: Path, learner_hook: None) -> None:
    s = shell.setup(kata_repo, kata(kata_repo))
    ns = s.namespace
    assert ns["torch"].__name__ == "torch" and ns["np"].__name__ == "numpy"
    assert ns["creation"].__file__ == str(kata_repo / "src" / "creation.py")
    assert callable(ns["creation"].from_list)
    assert "%autoreload 2" in s.exec_lines
    assert "src/creation.py" in s.banner and "creation.from_list(...)" in s.banner
    assert "Autoreload is on" in s.banner


def test_shell_reports_a_broken_learner_file(kata_repo: Path, learner_hook: None) -> None:
    (kata_repo / "src/creation.py").write_text("def from_list(values:\n")
    s = shell.setup(kata_repo, kata(kata_repo))
    assert "creation" not in s.namespace
    assert "src/creation.py does not import yet: SyntaxError" in s.banner


def test_shell_session_reloads_saved_edits(kata_repo: Path, tmp_path: Path) -> None:
    old = 'raise NotImplementedError("kata 01: implement from_list() in src/creation.py")'
    assert old in (kata_repo / "src/creation.py").read_text()
    commands = "\n".join(
        [
            "print('module', creation.__name__)",
            "import pathlib; p = pathlib.Path('src/creation.py')",
            f"p.write_text(p.read_text().replace({old!r}, 'return torch.tensor(values) * 10'))",
            "print('result', creation.from_list([1, 2]).tolist())",
            "print('numpy', np.arange(2).tolist())",
            "",
        ]
    )
    rc, out, err = kata_cmd(
        "shell",
        "creation",
        cwd=kata_repo,
        input=commands,
        env={"IPYTHONDIR": str(tmp_path / "ipython")},
    )
    assert rc == 0, err
    assert "Kata 01 (Creating tensors)" in out and "Autoreload is on" in out
    assert "module learner.creation" in out
    assert "result [10, 20]" in out
    assert "numpy [0, 1]" in out


# -- check and watch -------------------------------------------------------------


@pytest.mark.parametrize("verb", ["check", "watch"])
def test_check_and_watch_get_every_argument(verb: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    fake = types.ModuleType(f"katakit.{verb}")
    fake.main = lambda argv: seen.append(argv) or 3
    monkeypatch.setitem(sys.modules, f"katakit.{verb}", fake)
    assert main([verb, "--solutions", "01", "-x"]) == 3
    assert seen == [["--solutions", "01", "-x"]]


# -- mistakes: one line, exit 2, never a traceback ---------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["hint", "bogus"],
        ["reset", "99", "--yes"],
        ["reset"],
        ["solution"],
        ["shell", "nope"],
        ["status", "--bogus"],
        ["--bogus"],
        ["list", "extra"],
        ["frobnicate"],
    ],
)
def test_mistakes_are_one_line(argv: list[str], repo: Path, capsys: pytest.CaptureFixture) -> None:
    rc = main(argv)
    captured = capsys.readouterr()
    assert_one_line_error(rc, captured.err)
    assert captured.out == ""


def test_unknown_id_lists_the_choices(repo: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["hint", "99"]) == 2
    err = capsys.readouterr().err
    assert "01 creation" in err and "00 environment" in err


def test_missing_kata_file(repo: Path, capsys: pytest.CaptureFixture) -> None:
    (repo / "src/creation.py").unlink()
    assert_one_line_error(main(["shell", "01"]), capsys.readouterr().err)
    (repo / "solutions/creation.py").unlink()
    assert_one_line_error(main(["solution", "01", "--force", "--yes"]), capsys.readouterr().err)
    assert_one_line_error(main(["reset", "01", "--yes"]), capsys.readouterr().err)


def test_outside_a_checkout(tmp_path: Path) -> None:
    for argv in (["status"], ["list"], ["hint"], ["reset", "1"]):
        rc, out, err = kata_cmd(*argv, cwd=tmp_path)
        assert_one_line_error(rc, err)
        assert "checkout" in err and out == ""


def test_a_process_never_shows_a_traceback(kata_repo: Path) -> None:
    (kata_repo / "src/creation.py").write_text("# started\n")
    for argv in (["hint", "bogus"], ["reset", "01"], ["status", "-x"]):
        rc, out, err = kata_cmd(*argv, cwd=kata_repo)
        assert_one_line_error(rc, err)


def test_help_still_works(repo: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for verb in ("status", "list", "hint", "reset", "solution", "shell", "check", "watch"):
        assert verb in out
    assert main(["reset", "--help"]) == 0
    assert "--undo" in capsys.readouterr().out
