"""pytest plugin: which tree the katas run against, on which devices, from which seed.

Loaded through the ``pytest11`` entry point (so its options are known while
pytest pre-parses arguments) and by the root ``conftest.py``. Outside a
torch-katas checkout (no ``katas.toml`` at the rootdir) it does nothing.

PYTEST_DONT_REWRITE: ``-p katakit.plugin`` (pytest.ini) names a module the warm
runner has already imported; it holds no test assertions to rewrite.
"""

from __future__ import annotations

import importlib
import random
from pathlib import Path

import pytest

from katakit import catalog as catalog_mod
from katakit import explain, importer
from katakit.timeouts import KataTimeout, alarm

SEED = 1234
TREES = {"src": "learner code", "solutions": "reference solutions"}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("torch-katas")
    group.addoption(
        "--solutions",
        action="store_true",
        help="run the katas against the reference solutions in solutions/ instead of src/",
    )
    group.addoption(
        "--impl",
        metavar="DIR",
        help="run the katas against the modules in DIR, a folder laid out like src/",
    )
    group.addoption(
        "--device",
        action="append",
        metavar="NAME",
        help="run device-aware tests only on NAME (cpu, cuda, mps); repeat or comma-separate",
    )
    group.addoption(
        "--no-focus",
        action="store_true",
        help="show the failures of every unfinished kata, not only of the first one",
    )
    group.addoption(
        "--kata-timeout",
        type=float,
        metavar="SECONDS",
        help="time limit per test (default: the kata's timeout in katas.toml; 0 turns it off)",
    )


def _impl_dir(config: pytest.Config, root: Path, katas: catalog_mod.Catalog) -> Path:
    solutions, impl = config.getoption("solutions"), config.getoption("impl")
    if solutions and impl:
        raise pytest.UsageError("use either --solutions or --impl DIR, not both")
    if impl:
        path = Path(impl).expanduser()
        if not path.is_absolute():
            path = Path(config.invocation_params.dir, path)
        if not path.is_dir():
            raise pytest.UsageError(f"--impl {impl}: no such directory")
    else:
        path = root / ("solutions" if solutions else "src")
    missing = [
        f"{k.module}.py"
        for k in katas.katas
        if (katas.root / k.tests).is_file() and not (path / f"{k.module}.py").is_file()
    ]
    if missing:
        raise pytest.UsageError(f"{path} is not laid out like src/: missing {', '.join(missing)}")
    return path.resolve()


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    root = config.rootpath
    if not (root / catalog_mod.CATALOG_FILE).is_file():
        return
    try:
        katas = catalog_mod.load(root)
    except catalog_mod.CatalogError as exc:
        raise pytest.UsageError(str(exc)) from None
    impl = _impl_dir(config, root, katas)

    from katakit import devices

    found = devices.available()
    try:
        selected = devices.select(config.getoption("device"), found)
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None

    importer.install(impl)
    session = KataSession(config, katas, impl, found, selected)
    config.pluginmanager.register(session, "katakit-session")

    from katakit.report import LearnerReport

    config.pluginmanager.register(LearnerReport(config, session), "katakit-report")


def pytest_unconfigure(config: pytest.Config) -> None:
    if config.pluginmanager.get_plugin("katakit-session") is not None:
        importer.uninstall()


class KataSession:
    """Hooks and fixtures that exist only inside a torch-katas checkout."""

    def __init__(self, config, katas, impl, found, selected) -> None:  # noqa: ANN001
        self.config = config
        self.catalog: catalog_mod.Catalog = katas
        self.root: Path = katas.root
        self.impl: Path = impl
        self.found: dict[str, bool] = found
        self.selected: list[str] = selected
        self._kata_by_path: dict[Path, catalog_mod.Kata | None] = {}

    @property
    def learner_mode(self) -> bool:
        return self.impl == (self.root / "src").resolve()

    def impl_label(self) -> str:
        try:
            rel = self.impl.relative_to(self.root.resolve())
        except ValueError:
            return str(self.impl)
        name = rel.as_posix()
        return f"{name}/ ({TREES[name]})" if name in TREES else f"{name}/"

    def kata_of(self, node: pytest.Item | pytest.Collector) -> catalog_mod.Kata | None:
        path = node.path
        if path not in self._kata_by_path:
            try:
                rel = Path(path).resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                rel = ""
            self._kata_by_path[path] = self.catalog.by_test_file(rel)
        return self._kata_by_path[path]

    def pytest_report_header(self) -> list[str]:
        import torch

        from katakit import devices

        return [
            f"torch-katas: running the katas against {self.impl_label()}",
            f"torch {torch.__version__}; {devices.header(self.found, self.selected)}",
        ]

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "device" in metafunc.fixturenames:
            import torch

            metafunc.parametrize(
                "device", [torch.device(d) for d in self.selected], ids=self.selected
            )

    @pytest.fixture(autouse=True)
    def _kata_seed(self) -> None:
        """Every test starts from the same seed, so a failure is reproducible."""
        import numpy as np
        import torch

        random.seed(SEED)
        np.random.seed(SEED)
        # torch.manual_seed would also seed CUDA lazily, recording a stack trace
        # per call (~1.5 ms a test); seed the CPU and any device already in use.
        torch.default_generator.manual_seed(SEED)
        if torch.cuda.is_initialized():
            torch.cuda.manual_seed_all(SEED)
        mps = getattr(torch, "mps", None)
        if mps is not None and torch.backends.mps.is_available():
            mps.manual_seed(SEED)

    # -- time limits ---------------------------------------------------------

    def _limit(self, node) -> float:  # noqa: ANN001
        given = self.config.getoption("kata_timeout")
        if given is not None:
            return given
        kata = self.kata_of(node)
        return kata.timeout if kata else 0.0

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        with alarm(self._limit(item)):
            return (yield)

    @pytest.hookimpl(tryfirst=True)
    def pytest_make_collect_report(self, collector: pytest.Collector):
        """Import a kata's learner module first, so its errors are reported briefly."""
        kata = self.kata_of(collector) if isinstance(collector, pytest.Module) else None
        if kata is None:
            return None
        try:
            with alarm(self._limit(collector)):
                importlib.import_module(f"{importer.PACKAGE}.{kata.module}")
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            if isinstance(exc, KataTimeout):
                text = explain.timed_out(exc, self.impl, self.root) + " (while importing)"
            else:
                text = explain.import_error(exc, self.impl, self.root, kata.module)
            return pytest.CollectReport(
                collector.nodeid, "failed", explain.short(text), [], sections=[]
            )
        return None
