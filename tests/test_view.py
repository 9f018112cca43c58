"""The learner view: the failure that matters and the next step, in the rows a terminal shows."""

from __future__ import annotations

import ast
import os
import re
import shutil
import sys
from pathlib import Path

import pytest
import torch  # noqa: F401 (imported once here: in-process runs must not import it afresh)
from helpers import run

from katakit import results, view
from katakit.catalog import load
from katakit.runner import client, focus

SIZES = [(80, 24), (120, 40)]
CREATION = "katas/test_01_creation.py"


def from_list_scenario(repo: Path) -> None:
    """Kata 00 done; ``from_list`` returns ``torch.Tensor(values)``; the rest of kata 01 stubs.

    Kata 02 stays, still stubs, for focus to hide; the later katas' files go (a run
    shows the same rows without them, only the number of hidden failures is smaller).
    """
    for later in sorted((repo / "katas").glob("test_*.py"))[3:]:
        later.unlink()
    shutil.copy2(repo / "solutions" / "environment.py", repo / "src" / "environment.py")
    source = repo / "src" / "creation.py"
    text = source.read_text()
    stub = 'raise NotImplementedError("kata 01: implement from_list() in src/creation.py")'
    assert stub in text
    source.write_text(text.replace(stub, "return torch.Tensor(values)"))


def body(output: str) -> list[str]:
    """The lines after pytest's header (whose rootdir line may name a long temporary path)."""
    lines = output.rstrip("\n").splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("collected "))
    return lines[start:]


def assert_fits(output: str, width: int, height: int) -> None:
    lines = body(output)
    too_wide = [line for line in lines if len(line) > width]
    assert not too_wide, f"wider than {width}: {too_wide}"
    visible = lines[-(height - 1) :]  # the last row holds the shell's prompt
    screen = "\n".join(visible)
    assert "`from_list`" in screen, screen
    assert "torch.int64" in screen and "torch.float32" in screen, screen
    assert "src/creation.py:" in screen, screen
    assert visible[-1].startswith("Next: kata 01") or visible[-2].startswith("Next: kata 01"), (
        screen
    )
    assert "edit `from_list` in src/creation.py" in " ".join(visible[-2:]), screen
    assert re.search(r"\d+ failed, \d+ passed in", output)
    assert "= FAILURES =" not in output and "short test summary" not in output
    assert "Focus hid" in screen and "--no-focus" in screen


def test_plain_pytest_shows_the_failure_that_matters_last(inline_pytest, kata_repo, monkeypatch):
    from_list_scenario(kata_repo)
    for run_number, (width, height) in enumerate(SIZES):
        monkeypatch.setenv("COLUMNS", str(width))
        monkeypatch.setenv("LINES", str(height))
        result = inline_pytest()
        assert result.returncode == 1
        assert_fits(result.stdout, width, height)
        if run_number == 0:
            # the first run that sees kata 00 pass says so, with the command to compare
            assert "Kata 00 (Check your set-up) is done!" in result.stdout
            assert "`kata solution 00`" in result.stdout
        else:
            assert "is done!" not in result.stdout  # only the run that completes it


def test_warm_runner_shows_the_same_view(kata_repo, warm_env):
    from_list_scenario(kata_repo)
    for width, height in SIZES:
        env = {**warm_env, "COLUMNS": str(width), "LINES": str(height)}
        result = run([sys.executable, "-m", "katakit.runner"], kata_repo, 180, env=env)
        assert result.returncode == 1, result.stdout + result.stderr
        assert_fits(result.stdout, width, height)


def test_full_story_is_one_flag_away(inline_pytest, kata_repo, monkeypatch):
    from_list_scenario(kata_repo)
    monkeypatch.setenv("COLUMNS", "100")
    for flag in ("--no-focus", "-v", "--tb=long"):
        result = inline_pytest(flag, CREATION)
        assert "= FAILURES =" in result.stdout, flag
        assert "not started: implement `matrix` in src/creation.py" in result.stdout, flag
        assert "Focus hid" not in result.stdout
        assert result.stdout.rstrip().splitlines()[-1].startswith(("Next:", "  ")), flag


def test_other_failing_functions_are_one_line_each(inline_pytest, kata_repo, monkeypatch):
    shutil.copy2(kata_repo / "solutions" / "creation.py", kata_repo / "src" / "creation.py")
    source = kata_repo / "src" / "creation.py"
    text = source.read_text()
    text = text.replace("return torch.tensor(values)\n", "return torch.tensor(values[::-1])\n", 1)
    text = text.replace("return torch.zeros(shape)", "return torch.ones(shape)")
    source.write_text(text)
    monkeypatch.setenv("COLUMNS", "90")
    result = inline_pytest(CREATION)
    lines = body(result.stdout)
    zeros = [line for line in lines if line.startswith("`zeros`:")]
    assert len(zeros) == 1, result.stdout
    assert re.match(r"`zeros`: 4 of 5 tests fail, first: zeros\(\(3, 4\)\)", zeros[0]), zeros
    assert "fix `from_list` first" in result.stdout
    # [7] reversed is still [7]: three of the four inputs fail
    assert "fails for 3 of 4 inputs; first input: `[1, 2, 3, 4, 5]`" in " ".join(
        line.strip() for line in lines
    )
    assert "src/creation.py:" in result.stdout and "values[::-1]" in result.stdout


def test_an_assertion_message_is_reported_without_introspection(inline_pytest, kata_repo):
    (kata_repo / "katas" / "test_zz_message.py").write_text(
        "def test_called():\n"
        "    helper = lambda: 1  # noqa: E731\n"
        '    assert helper is True, "the helper should have been called"\n'
    )
    result = inline_pytest("--no-focus", "katas/test_zz_message.py")
    assert "the helper should have been called" in result.stdout
    assert "<lambda> at 0x" not in result.stdout, result.stdout
    full = inline_pytest("--tb=long", "katas/test_zz_message.py")
    assert "<lambda> at 0x" in full.stdout  # the full story, one flag away


def test_import_error_is_the_failure_that_matters(inline_pytest, kata_repo, monkeypatch):
    (kata_repo / "src" / "environment.py").write_text("def torch_version(:\n    pass\n")
    monkeypatch.setenv("COLUMNS", "80")
    result = inline_pytest("katas/test_00_environment.py")
    tail = "\n".join(body(result.stdout)[-8:])
    assert "src/environment.py could not be imported" in tail, result.stdout
    assert re.search(r"environment\.py:1: SyntaxError", tail), tail


def test_kata_done_moment_shows_the_next_katas_first_failure(inline_pytest, kata_repo):
    inline_pytest("katas/test_00_environment.py")  # kata 00 still stubs: saved in progress
    shutil.copy2(kata_repo / "solutions" / "environment.py", kata_repo / "src" / "environment.py")
    catalog = load(kata_repo)
    picked = focus.choose(kata_repo, catalog, [kata_repo / "src" / "environment.py"])
    assert [k.id for k in picked] == ["00", "01"]  # the next kata runs along
    result = inline_pytest(*[k.tests for k in picked])
    assert "Kata 00 (Check your set-up) is done!" in result.stdout
    assert "fix `from_list` first" in result.stdout
    assert "not started: implement `from_list` in src/creation.py" in result.stdout
    assert "Next: kata 01" in result.stdout
    assert results.load(kata_repo)["00"].state == "done"


@pytest.mark.parametrize("width", [40, 57, 80, 120])
def test_next_line_wraps_at_spaces_never_inside_a_quoted_name(width):
    text = (
        "Next: kata 08 (Gradient accumulation): edit `separate_grads` in src/accumulation.py "
        "and save. Stuck? `kata hint 08`"
    )
    lines = view.wrap(text, width, "  ")
    assert all(len(line) <= width for line in lines)
    assert " ".join(line.strip() for line in lines) == text
    for line in lines:
        assert line.count("`") % 2 == 0, lines


# -- hints that follow the function --------------------------------------------


def _saved(repo: Path, **where: str | None) -> None:
    """Kata 00 done; kata 01 in progress, its last run pointing at ``where["w01"]``."""
    results.save(
        repo,
        {
            "00": results.KataResult(passed=18, total=18),
            "01": results.KataResult(passed=3, total=33, where=where.get("w01")),
        },
    )


def test_every_function_of_every_kata_has_hints():
    from katakit import hints
    from katakit.definitions import functions

    root = Path(__file__).resolve().parents[1]
    for kata in load(root).katas:
        source = (root / kata.module_file("solutions")).read_text()
        names = {n.split(".")[0] for n, _ in functions(ast.parse(source)) if n[0] != "_"}
        per_function = hints.function_hints(root, kata)
        assert set(per_function) == names, kata.id
        assert all(len(given) >= 2 for given in per_function.values()), kata.id


def test_hint_follows_the_function_next_names(kata_repo, monkeypatch, capsys):
    from katakit import cli, hints

    monkeypatch.chdir(kata_repo)
    _saved(kata_repo, w01="`float32_tensor` in src/creation.py")
    given = hints.function_hints(kata_repo, load(kata_repo).find("01"))["float32_tensor"]
    for level, text in enumerate(given, start=1):
        assert cli.main(["hint"]) == 0
        out = capsys.readouterr().out
        assert f"Hint {level}/{len(given)} for `float32_tensor` (kata 01" in out
        assert text in out
    assert hints.seen(kata_repo) == {"01:float32_tensor": len(given)}
    # once the next run points elsewhere, the hints start over for that function
    _saved(kata_repo, w01="`zeros` in src/creation.py")
    assert cli.main(["hint"]) == 0
    assert "Hint 1/" in capsys.readouterr().out


def test_hint_on_a_finished_kata_says_it_is_done(kata_repo, monkeypatch, capsys):
    from katakit import cli

    monkeypatch.chdir(kata_repo)
    _saved(kata_repo)
    assert cli.main(["hint", "00"]) == 0
    out = capsys.readouterr().out
    assert "Kata 00 (Check your set-up) is done" in out and "`kata solution 00`" in out
    assert "try it in" not in out
    assert cli.main(["hint", "00", "--all"]) == 0
    assert "`torch_version` (kata 00" in capsys.readouterr().out


# -- kata watch keys -------------------------------------------------------------


def test_watch_answers_keys_read_as_lines_without_a_terminal(kata_repo, monkeypatch, capsys):
    from katakit import watch

    monkeypatch.chdir(kata_repo)
    _saved(kata_repo, w01="`matrix` in src/creation.py")
    runs: list[object] = []
    monkeypatch.setattr(client, "run", lambda args, **kw: runs.append(kw["changed"]) or 1)
    read, write = os.pipe()
    os.write(write, b"h\nl\ns\nx\nr\nq\n")
    os.close(write)
    with open(read, closefd=True) as stdin:
        monkeypatch.setattr(sys, "stdin", stdin)
        assert watch.main(["--no-clear"]) == 0
    out = capsys.readouterr().out
    assert runs == [None, None]  # the first run and `r`
    assert "Hint 1/" in out and "`matrix` (kata 01" in out  # h
    assert " 11 dynamic_graphs " in out  # l
    assert "the reference solution of kata 00" in out  # s: the last finished kata
    assert "kata watch keys: h hint" in out  # an unknown key lists the keys
    assert out.count("(kata watch: h hint, l list, r run again, s solution, q quit)") == 2


def test_watch_keys_end_quietly_at_the_end_of_input(kata_repo, monkeypatch):
    from katakit import watch

    with open(os.devnull) as empty:
        keys = watch.Keys(empty)
        assert keys.poll(0.01) is None and keys.fd is None  # no more keys, no error
        assert keys.poll(0.01) is None


def test_watch_keys_in_a_terminal_need_no_enter():
    import pty

    from katakit import watch

    master, slave = pty.openpty()
    try:
        with open(slave, closefd=False) as terminal:
            keys = watch.Keys(terminal)
            assert keys.tty
            with keys.single():
                os.write(master, b"h")
                assert keys.poll(2) == "h"  # one key, no Enter
                os.write(master, b"Lq")
                assert keys.poll(2) == "l" and keys.poll(0) == "q"
    finally:
        os.close(master)
        os.close(slave)


@pytest.mark.parametrize("verb", ["list", "status", "hint"])
def test_kata_verbs_fit_the_terminal(kata_repo, monkeypatch, capsys, verb):
    from katakit import cli

    monkeypatch.chdir(kata_repo)
    monkeypatch.setenv("COLUMNS", "60")
    _saved(kata_repo, w01="`float32_tensor` in src/creation.py")
    assert cli.main([verb]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(len(line) <= 60 for line in lines), lines
    assert any(line.startswith(("Next:", "Hint 1/")) for line in lines)
