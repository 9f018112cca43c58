"""Save -> result printed, for plain ``ptw`` and for ``ptw`` with the warm runner.

Copies the kata parts of this checkout to a temporary folder, starts ``ptw``
there on a pseudo-terminal, edits a learner module the way an editor saves it
(write the new content in place, or write a temporary file and atomically
replace), and times each save until the run's progress summary is printed.

    python benchmarks/watch_latency.py            # 15 saves per row
    python benchmarks/watch_latency.py --saves 30 --kata 02
    python benchmarks/watch_latency.py --kata all --variants write --src solutions
    python benchmarks/watch_latency.py --extras   # the slow-plugin and device rows too

Rows: plain ``ptw`` (its default runner and spool delay) running the kata's test
file or the whole catalogue, and the shipped ``ptw`` configuration (the warm
runner, which runs the saved module's kata by itself) doing the same; with CUDA
present, both again with ``--device cuda``. ``--extras`` adds, for the first
kata named: the warm runner with a stand-in for a GPU's start-up (every child
sleeps 0.3 s while it warms its devices: hidden when the waiting child is ready,
paid when the client's environment changes on every save so that no waiting
child fits), and ``ptw`` in a throwaway virtualenv that has a stand-in slow
pytest plugin installed (0.3 s in ``pytest_configure``, found by entry point),
left out as learner runs leave it out, and loaded with ``-p standin``.
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIED = ["katas", "src", "solutions", "katas.toml", "conftest.py", "pytest.ini"]
DONE = re.compile(rb"katas complete")
BIN = Path(sys.executable).parent
FAKE_DEVICE_ENV = "KATA_RUNNER_FAKE_DEVICE_INIT"  # katakit.runner.preload.FAKE_DEVICE_ENV
STANDIN_DELAY = 0.3  # seconds: the stand-in plugin's set-up, and the stand-in GPU start-up


def copy_repo(dest: Path) -> Path:
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, dest / name)
    return dest


class Watcher:
    """``ptw`` on a pseudo-terminal; counts finished runs in its output."""

    def __init__(self, args: list[str], cwd: Path, bin_dir: Path, env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        # bytecode caches work as in a learner's shell, even where this one turns them off
        outer = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env = {
            **outer,
            "TERM": os.environ.get("TERM", "xterm"),
            "COLUMNS": "100",
            "PATH": os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")]),
            **env,
        }
        self.proc = subprocess.Popen(
            [str(bin_dir / "ptw"), *args],
            cwd=cwd,
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
        )
        os.close(slave)
        self.runs = 0
        self.tail = b""  # recent output, for error messages
        self.pending = b""  # output not yet searched for the end of a run

    def wait_run(self, timeout: float) -> float:
        """Block until the next run finishes; the time it finished."""
        target = self.runs + 1
        deadline = time.perf_counter() + timeout
        while self.runs < target:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(self.tail[-2000:].decode("utf-8", "replace"))
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    data = os.read(self.master, 1 << 16)
                except OSError:
                    data = b""
                if not data:
                    raise RuntimeError("ptw exited:\n" + self.tail.decode("utf-8", "replace"))
                self._count(data)
        return time.perf_counter()

    def _count(self, data: bytes) -> None:
        self.tail = (self.tail + data)[-20000:]
        window = self.pending + data
        ends = [m.end() for m in DONE.finditer(window)]
        self.runs += len(ends)
        rest = window[ends[-1] :] if ends else window
        self.pending = rest[-len(DONE.pattern) :]

    def settle(self, quiet: float, limit: float = 60) -> None:
        """Wait until ``ptw`` has printed nothing for ``quiet`` seconds."""
        end = time.perf_counter() + limit
        while time.perf_counter() < end:
            if not select.select([self.master], [], [], quiet)[0]:
                return
            try:
                self._count(os.read(self.master, 1 << 16))
            except OSError:
                return

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        os.close(self.master)


def save(path: Path, n: int, atomic: bool) -> None:
    text = re.sub(r"\n# save \d+\n$", "\n", path.read_text()) + f"\n# save {n}\n"
    if atomic:
        tmp = path.with_name(f".{path.name}.{n}.swp")
        tmp.write_text(text)
        os.replace(tmp, path)
    else:
        with open(path, "w") as f:
            f.write(text)


@dataclass
class Row:
    scope: str  # "kata 03 attributes" or "whole catalogue"
    watcher: str  # "plain ptw" or "warm ptw"
    setting: str  # "" for the plain comparison, else what is added
    args: list[str]  # ptw's arguments
    env: dict[str, str] = field(default_factory=dict)
    plugin: bool = False  # run in a throwaway virtualenv with the stand-in plugin
    joined: str | None = None  # a dashboard URL the checkout has joined (`kata join`)


def measure(
    row: Row, repo: Path, module: Path, bin_dir: Path, saves: int, atomic: bool
) -> list[float]:
    watcher = Watcher(row.args, repo, bin_dir, row.env)
    try:
        watcher.wait_run(timeout=180)  # the first run (and the server's start)
        times = []
        for n in range(saves):
            watcher.settle(0.5)
            start = time.perf_counter()
            save(module, n, atomic)
            times.append(watcher.wait_run(timeout=120) - start)
        return times
    finally:
        watcher.stop()


def stop_server(repo: Path) -> None:
    """Stop the checkout's warm server and wait until it has exited (it tidies `.kata/`)."""
    from katakit.runner import client, location

    where = location.for_root(repo)
    pid = location.read_pid(where)
    try:
        client.stop(where)
    except OSError:  # it was exiting already (ptw, its owner, has stopped)
        pass
    deadline = time.monotonic() + 10
    while pid and time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except OSError:
            return
        time.sleep(0.02)


def plugin_venv(dest: Path) -> Path:
    """A throwaway virtualenv that sees this environment's packages plus a slow plugin.

    The plugin is installed the way pip installs one: a module and a
    ``.dist-info`` folder whose ``entry_points.txt`` registers it under
    ``pytest11`` as ``standin``. Returns the virtualenv's ``bin`` folder.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(dest)], check=True)
    python = dest / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    site_dir = Path(purelib)
    import site

    outer = "".join(f"import site; site.addsitedir({p!r})\n" for p in site.getsitepackages())
    (site_dir / "outer_environment.pth").write_text(outer)
    (site_dir / "katas_standin.py").write_text(
        f"import time\n\n\ndef pytest_configure(config):\n    time.sleep({STANDIN_DELAY})\n"
    )
    info = site_dir / "katas_standin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: katas-standin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pytest11]\nstandin = katas_standin\n")
    (info / "RECORD").write_text("")
    for name, target in (("ptw", "pytest_watch:main"), ("kata-run", "katakit.runner.client:main")):
        module, function = target.split(":")
        script = dest / "bin" / name
        script.write_text(
            f"#!{python}\nimport sys\nfrom {module} import {function}\nsys.exit({function}())\n"
        )
        script.chmod(0o755)
    return dest / "bin"


def changing_env_runner(folder: Path) -> Path:
    """A ``kata-run`` wrapper whose environment differs on every run."""
    script = folder / "kata-run-new-env"
    script.write_text(f'#!/bin/sh\nKATA_BENCH_NONCE=$$ exec "{BIN / "kata-run"}" "$@"\n')
    script.chmod(0o755)
    return script


def cuda_present() -> bool:
    code = "import torch; print(torch.cuda.is_available())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return out.stdout.strip() == "True"


def join(repo: Path, url: str) -> None:
    """Leave ``repo`` joined to ``url`` as ``kata join`` does, without asking a dashboard."""
    import json

    state = repo / ".kata"
    state.mkdir(mode=0o700, exist_ok=True)
    member = {"url": url, "code": "BENC-HMRK", "name": "bench", "client": "b" * 32}
    (state / "workshop.json").write_text(json.dumps(member))
    (state / "workshop.json").chmod(0o600)


def workshop_rows(kata, plain: list[str]) -> list:
    """Joined to a dashboard that is stopped (refused at once) or unreachable (no answer)."""
    scope = f"kata {kata.label}"
    rows = []
    for setting, url in (
        ("joined, dashboard stopped", "http://127.0.0.1:9"),
        ("joined, dashboard unreachable", "http://10.255.255.1:8765"),
    ):
        rows.append((Row(scope, "warm ptw", setting, [], joined=url), kata))
        rows.append(
            (Row(scope, "plain ptw", setting, [*plain, "--", kata.tests], joined=url), kata)
        )
    return rows


def rows_for(
    katas: list, extras: bool, cuda: bool, tmp: Path, plugin_bin: Path | None
) -> list[tuple[Row, object]]:
    """(row, the kata whose module each save edits)."""
    plain = ["--runner", f"{sys.executable} -m pytest", "--spool", "200"]
    devices = [[]] + ([["--device", "cuda"]] if cuda else [])
    rows = []
    for device in devices:
        setting = " ".join(device)
        for kata in katas:
            scope = f"kata {kata.label}"
            rows.append(
                (Row(scope, "plain ptw", setting, [*plain, "--", kata.tests, *device]), kata)
            )
            rows.append((Row(scope, "warm ptw", setting, ["--", *device] if device else []), kata))
        rows.append(
            (Row("whole catalogue", "plain ptw", setting, [*plain, "--", *device]), katas[0])
        )
        rows.append(
            (Row("whole catalogue", "warm ptw", setting, ["--", "katas", *device]), katas[0])
        )
    if extras and plugin_bin is not None:
        kata, scope = katas[0], f"kata {katas[0].label}"
        startup = {FAKE_DEVICE_ENV: str(STANDIN_DELAY)}
        rows += [
            (Row(scope, "warm ptw", f"{STANDIN_DELAY:g} s device start-up", [], startup), kata),
            (
                Row(
                    scope,
                    "warm ptw",
                    f"{STANDIN_DELAY:g} s device start-up, new environment every save",
                    ["--runner", str(changing_env_runner(tmp))],
                    startup,
                ),
                kata,
            ),
            (
                Row(
                    scope,
                    "plain ptw",
                    f"{STANDIN_DELAY:g} s plugin installed",
                    [
                        "--runner",
                        f"{plugin_bin / 'python'} -m pytest",
                        *plain[2:],
                        "--",
                        kata.tests,
                    ],
                    plugin=True,
                ),
                kata,
            ),
            (
                Row(scope, "warm ptw", f"{STANDIN_DELAY:g} s plugin installed", [], plugin=True),
                kata,
            ),
            (
                Row(
                    scope,
                    "warm ptw",
                    f"{STANDIN_DELAY:g} s plugin loaded with -p standin",
                    ["--", "-p", "standin"],
                    plugin=True,
                ),
                kata,
            ),
        ]
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=15)
    parser.add_argument(
        "--kata",
        default="00",
        help="kata whose module is edited: an id, ids joined by commas, or all",
    )
    parser.add_argument("--variants", default="write,replace", help="write, replace or both")
    parser.add_argument(
        "--src",
        choices=["stubs", "solutions"],
        default="stubs",
        help="what src/ holds: the learner's stubs or the solutions",
    )
    parser.add_argument(
        "--extras", action="store_true", help="add the stand-in device and slow-plugin rows"
    )
    parser.add_argument(
        "--workshop",
        action="store_true",
        help="add, for the first kata, rows joined to a stopped or unreachable dashboard",
    )
    ns = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from katakit.catalog import load

    catalog = load(ROOT)
    if ns.kata == "all":
        katas = [k for k in catalog.katas if (ROOT / k.tests).is_file()]
    else:
        katas = [catalog.find(key) for key in ns.kata.split(",")]
    cuda = cuda_present()
    table = []
    with tempfile.TemporaryDirectory(prefix="katas-bench-tools-") as tools:
        tools_dir = Path(tools)
        plugin_bin = plugin_venv(tools_dir / "venv") if ns.extras else None
        for variant in ns.variants.split(","):
            chosen = rows_for(katas, ns.extras, cuda, tools_dir, plugin_bin)
            if ns.workshop:
                plain = next(r.args for r, _ in chosen if r.watcher == "plain ptw")
                chosen += workshop_rows(katas[0], plain[: plain.index("--")])
            for row, kata in chosen:
                with tempfile.TemporaryDirectory(prefix="katas-bench-") as tmp:
                    repo = copy_repo(Path(tmp))
                    if ns.src == "solutions":
                        for f in (repo / "solutions").glob("*.py"):
                            shutil.copy2(f, repo / "src" / f.name)
                    bin_dir = plugin_bin if row.plugin else BIN
                    if row.joined:
                        join(repo, row.joined)
                    try:
                        times = measure(
                            row,
                            repo,
                            repo / kata.module_file(),
                            bin_dir,
                            ns.saves,
                            variant == "replace",
                        )
                    finally:
                        stop_server(repo)
                result = (row, variant, statistics.median(times), min(times), max(times))
                table.append(result)
                print(
                    f"{row.scope:<22} {row.watcher:<10} {row.setting:<40} {variant:<8} "
                    f"median {result[2]:.3f} s  min {result[3]:.3f} s  max {result[4]:.3f} s",
                    file=sys.stderr,
                    flush=True,
                )

    cpus = os.cpu_count()
    print(
        f"\n{ns.saves} saves per row, src/ = {ns.src}, {cpus} CPUs, Python "
        f"{sys.version.split()[0]}\n"
    )
    print("| what runs | watcher | added | save | median | min | max | speed-up |")
    print("|---|---|---|---|---|---|---|---|")
    plain_medians = {
        (r.scope, v, r.setting): med for r, v, med, _, _ in table if r.watcher == "plain ptw"
    }
    for row, variant, med, lo, hi in table:
        base = plain_medians.get((row.scope, variant, row.setting))
        if base is None:
            base = plain_medians.get((row.scope, variant, ""))
        speed = f"{base / med:.1f}x" if base and row.watcher != "plain ptw" else ""
        print(
            f"| {row.scope} | {row.watcher} | {row.setting} | {variant} | {med:.2f} s "
            f"| {lo:.2f} s | {hi:.2f} s | {speed} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
