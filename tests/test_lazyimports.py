"""Slow imports named in the catalogue, and unloading an import a time limit cut short."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from helpers import copy_repo

from katakit import catalog, lazyimports
from katakit.runner import preload


@pytest.fixture
def fresh_modules(monkeypatch: pytest.MonkeyPatch) -> dict[str, types.ModuleType]:
    """A copy of ``sys.modules`` that the test may change freely."""
    modules = dict(sys.modules)
    monkeypatch.setattr(sys, "modules", modules)
    return modules


def test_unload_removes_what_came_after_the_mark_but_the_learners(fresh_modules):
    mark = lazyimports.mark()
    for name in ("lib_a", "lib_a.part", "learner", "learner.devices", "lib_b"):
        fresh_modules[name] = types.ModuleType(name)
    assert lazyimports.unload(mark, keep="learner") == ["lib_b", "lib_a.part", "lib_a"]
    assert list(fresh_modules)[-2:] == ["learner", "learner.devices"]


def test_unload_removes_nothing_when_the_mark_is_gone(fresh_modules):
    fresh_modules["lib_old"] = types.ModuleType("lib_old")
    mark = lazyimports.mark()
    del fresh_modules["lib_old"]
    fresh_modules["lib_new"] = types.ModuleType("lib_new")
    assert lazyimports.unload(mark, keep="learner") == []
    assert "lib_new" in fresh_modules


def _traceback_through(source: str, filename: str, name: str) -> types.TracebackType:
    code = compile(source, filename, "exec")
    try:
        exec(code, {"__name__": name})
    except RuntimeError as exc:
        return exc.__traceback__
    raise AssertionError("the module did not raise")


def test_interrupted_names_the_library_module_whose_top_level_code_was_cut_short():
    tb = _traceback_through("def f():\n    raise RuntimeError\nf()\n", "/lib/slow.py", "lib.slow")
    assert lazyimports.interrupted(tb, "/work/src/") == "lib.slow"
    learner = _traceback_through("raise RuntimeError\n", "/work/src/devices.py", "learner.devices")
    assert lazyimports.interrupted(learner, "/work/src/") is None
    try:
        _raise()
    except RuntimeError as exc:  # no module's top-level code on the way
        assert lazyimports.interrupted(exc.__traceback__, "/work/src/") is None


def _raise() -> None:
    raise RuntimeError


def test_import_all_returns_the_names_that_failed():
    assert lazyimports.import_all(["json", "kata_no_such_module", "json.decoder"]) == [
        "kata_no_such_module"
    ]


def test_the_catalogue_names_the_imports_of_the_katas_that_use_fake_tensors_or_optimisers():
    katas = catalog.load(Path(__file__).resolve().parents[1])
    using = {k.id for k in katas.katas if k.imports}
    assert using == {"08", "09", "10"}
    assert katas.imports() == ["torch._dynamo"]
    assert preload.kata_imports(katas.root, ["katas/test_03_attributes.py"]) == []
    assert preload.kata_imports(katas.root, ["katas/test_10_gradient_descent.py"]) == [
        "torch._dynamo"
    ]


@pytest.mark.parametrize("value", ['"torch._dynamo"', '["torch/_dynamo"]', "[1]", '["a..b"]'])
def test_imports_that_are_not_module_names_are_a_catalogue_error(tmp_path: Path, value: str):
    repo = copy_repo(tmp_path / "repo")
    path = repo / "katas.toml"
    text = path.read_text()
    first = text.index('tests = "katas/test_00_environment.py"\n')
    path.write_text(text[:first] + f"imports = {value}\n" + text[first:])
    with pytest.raises(catalog.CatalogError, match="kata '00': imports must list module names"):
        catalog.load(repo)
