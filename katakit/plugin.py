"""pytest plugin: which tree the katas run against, on which devices, from which seed.

Loaded through the ``pytest11`` entry point (so its options are known while
pytest pre-parses arguments) and by the root ``conftest.py``. Outside a
torch-katas checkout (no ``katas.toml`` at the rootdir) it does nothing.

PYTEST_DONT_REWRITE: ``-p katakit.plugin`` (pytest.ini) names a module the warm
runner has already imported; it holds no test assertions to rewrite.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import random
import sys
from pathlib import Path

import pytest

from katakit import catalog as catalog_mod
from katakit import checkout, exits, explain, importer, lazyimports, limits, timeouts
from katakit.timeouts import KataTimeout, SkippedAfterTimeout, alarm

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
        type=_time_limit,
        metavar="SECONDS",
        help="limit per test, in seconds of CPU time (default: the kata's timeout in "
        "katas.toml; 0 turns it off)",
    )


def _time_limit(text: str) -> float:
    """argparse type of ``--kata-timeout``: finite seconds > 0, or 0 for no limit."""
    try:
        return timeouts.parse_limit(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _impl_dir(config: pytest.Config, root: Path, katas: catalog_mod.Catalog) -> Path:
    solutions, impl = config.getoption("solutions"), config.getoption("impl")
    if impl is not None and not impl.strip():
        raise pytest.UsageError("--impl needs a folder laid out like src/, not an empty name")
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


def _impl_outside(config: pytest.Config) -> str:
    """Why ``--impl`` cannot work at this rootdir, in one line."""
    if "--impl" in config.invocation_params.args:
        return (
            "--impl DIR (with a space) makes pytest take DIR for a test path before it knows "
            "--impl, so it misses this checkout's pytest.ini: write --impl=DIR"
        )
    return f"--impl: no torch-katas checkout (katas.toml) at pytest's rootdir {config.rootpath}"


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    root = config.rootpath
    if not (root / checkout.CATALOG_FILE).is_file():
        if config.getoption("impl") is not None:
            raise pytest.UsageError(_impl_outside(config))
        return
    try:
        katas = catalog_mod.load(root)
    except catalog_mod.CatalogError as exc:
        raise pytest.UsageError(str(exc)) from None
    impl = _impl_dir(config, root, katas)

    from katakit import devices

    requested = config.getoption("device")
    if requested is not None and not all(item.strip(" ,") for item in requested):
        raise pytest.UsageError("--device needs a device name: cpu, cuda or mps")
    found = devices.available()
    _one_thread()
    try:
        selected = devices.select(config.getoption("device"), found)
    except ValueError as exc:
        raise pytest.UsageError(str(exc)) from None

    limits.install(config)
    session = KataSession(config, katas, impl, found, selected)
    if session.learner_mode and _distributed(config):
        raise pytest.UsageError(
            "torch-katas: pytest-xdist (-n) splits a run over worker processes and the "
            "progress of your katas could not be counted: run without -n"
        )
    importer.install(impl, shown_as=explain.relative(impl, root))
    config.pluginmanager.register(session, "katakit-session")

    from katakit.report import LearnerReport

    config.pluginmanager.register(LearnerReport(config, session), "katakit-report")


def _one_thread() -> None:
    """Compute on one CPU thread.

    Kata tensors are small: a pool of threads gains nothing on them, and on a
    busy machine waking it costs milliseconds per operation (a reduction of
    100,000 values took 8 ms instead of a tenth of one). With one thread,
    floating-point sums also come out the same on every machine.
    """
    import torch

    torch.set_num_threads(1)


def _distributed(config: pytest.Config) -> bool:
    """Whether pytest-xdist is about to hand the tests to worker processes."""
    if hasattr(config, "workerinput"):
        return True
    if config.option.collectonly:  # xdist collects in this process: discovery is safe
        return False
    return config.getoption("dist", "no") != "no" or bool(config.getoption("numprocesses", None))


def pytest_unconfigure(config: pytest.Config) -> None:
    if config.pluginmanager.get_plugin("katakit-session") is not None:
        importer.uninstall()


class KataSession:
    """Hooks and fixtures that exist only inside a torch-katas checkout."""

    def __init__(self, config, katas, impl, found, selected) -> None:
        self.config = config
        self.catalog: catalog_mod.Catalog = katas
        self.root: Path = katas.root
        self.impl: Path = impl
        self.impl_files = str(impl).rstrip("/\\") + os.sep  # the start of every learner file
        self.found: dict[str, bool] = found
        self.selected: list[str] = selected
        self._kata_by_path: dict[Path, catalog_mod.Kata | None] = {}
        # why time limits are off for this run (a debugger), or None
        self.limits_off: str | None = timeouts.debugger(config)
        # kata id -> learner functions that ran out of time in this run
        self.timed_out: dict[str, list[str]] = {}

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

        lines = [
            f"torch-katas: running the katas against {self.impl_label()}",
            f"torch {torch.__version__}; {devices.header(self.found, self.selected)}",
        ]
        if self.limits_off:
            lines.append(f"time limits: off for this run ({self.limits_off})")
        return lines

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "device" in metafunc.fixturenames:
            import torch

            metafunc.parametrize(
                "device", [torch.device(d) for d in self.selected], ids=self.selected
            )

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self) -> None:
        """Every test starts from the same seed, so a failure is reproducible.

        Seeded here, before the test's fixtures are set up (a hook costs a test
        far less than an autouse fixture).
        """
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

    def _limit(self, node: pytest.Item | pytest.Collector) -> float:
        if self.limits_off or timeouts.debugger():
            return 0.0
        given = self.config.getoption("kata_timeout")
        if given is not None:
            return given
        kata = self.kata_of(node)
        return kata.timeout if kata else 0.0

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> None:
        """Before the first test's clock: the slow imports the chosen katas' tests need."""
        if session.config.option.collectonly or self.limits_off:
            return
        katas = {self.kata_of(item) for item in session.items}
        lazyimports.import_all(self.catalog.imports(k for k in katas if k is not None))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        before = lazyimports.mark()
        try:
            with alarm(self._limit(item), linger=True), exits.blocked():
                return (yield)
        except KataTimeout as exc:
            if not isinstance(exc, SkippedAfterTimeout) and not self._undo_import(exc, before):
                self._stop_after_timeout(item, exc)
            raise

    def _undo_import(self, exc: KataTimeout, before: str | None) -> bool:
        """Whether ``exc`` cut a library's import short; if so, unload what it left behind."""
        module = lazyimports.interrupted(exc.__traceback__, self.impl_files)
        if module is None:
            return False
        exc.importing = module
        exc.unloaded = len(lazyimports.unload(before, keep=importer.PACKAGE))
        return True

    def pytest_enter_pdb(self) -> None:
        """A breakpoint or ``--pdb`` took over: no alarm may interrupt the debugger."""
        timeouts.cancel()
        self.limits_off = self.limits_off or "a debugger took over"

    def _stop_after_timeout(self, item: pytest.Item, exc: KataTimeout) -> None:
        """One time limit per learner function per run.

        The public learner functions that were running when time ran out are
        replaced, for the rest of this run, by one that fails at once: the other
        tests that call them are not waited for.
        """
        kata = self.kata_of(item)
        modules = {
            getattr(m, "__file__", None): m
            for name, m in list(sys.modules.items())
            if name.startswith(importer.PACKAGE + ".")
        }
        running = []  # (module, function name), outermost first
        tb = exc.__traceback__
        while tb is not None:
            code = tb.tb_frame.f_code
            mine = code.co_filename.startswith(self.impl_files)
            module = modules.get(code.co_filename) if mine else None
            function = vars(module).get(code.co_name) if module is not None else None
            if inspect.isfunction(function) and function.__code__ is code:
                running.append((module, code.co_name))
            tb = tb.tb_next
        stopped = [(m, n) for m, n in running if not n.startswith("_")] or running[-1:]
        for module, name in stopped:
            setattr(module, name, _not_waited_for(name))
            if kata is not None:
                self.timed_out.setdefault(kata.id, []).append(name)

    @pytest.hookimpl(tryfirst=True)
    def pytest_make_collect_report(self, collector: pytest.Collector):
        """Import a kata's learner module first, so its errors are reported briefly."""
        kata = self.kata_of(collector) if isinstance(collector, pytest.Module) else None
        if kata is None:
            return None
        before = lazyimports.mark()
        try:
            with alarm(self._limit(collector)), exits.blocked():
                importlib.import_module(f"{importer.PACKAGE}.{kata.module}")
        except KeyboardInterrupt:
            raise
        except BaseException as exc:
            if isinstance(exc, KataTimeout):
                self._undo_import(exc, before)
                text = explain.timed_out(exc, self.impl, self.root) + " (while importing)"
                self.timed_out.setdefault(kata.id, []).append(f"import of {kata.module}")
            else:
                text = explain.import_error(exc, self.impl, self.root, kata.module)
            report = pytest.CollectReport(
                collector.nodeid, "failed", explain.short(text), [], sections=[]
            )
            # pytest passes this on to pytest_exception_interact, where --pdb and
            # editors (VS Code's test explorer) learn of collection errors
            report.call = pytest.CallInfo.from_call(_raiser(text, exc), "collect")
            return report
        return None


def _raiser(text: str, cause: BaseException):
    """A call that raises ``ImportError(text)``, caused by ``cause``."""

    def fail() -> None:
        raise ImportError(text) from cause

    return fail


def _not_waited_for(name: str):
    """Stands in for learner function ``name`` once it has run out of time in this run."""

    def stopped(*args: object, **kwargs: object) -> None:
        __tracebackhide__ = True
        raise SkippedAfterTimeout(f"not run: `{name}` timed out above")

    stopped.__name__ = stopped.__qualname__ = name
    return stopped
