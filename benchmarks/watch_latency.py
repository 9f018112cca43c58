"""Save -> result printed, for plain ``ptw`` and for ``ptw`` with the warm runner.

Copies the kata parts of this checkout to a temporary folder, starts ``ptw``
there on a pseudo-terminal, edits a learner module the way an editor saves it
(write the new content in place, or write a temporary file and atomically
replace), and times each save until the run's progress summary is printed.

    python benchmarks/watch_latency.py            # 15 saves per row
    python benchmarks/watch_latency.py --saves 30 --kata 02

Rows: plain ``ptw`` (its default runner and spool delay) running the kata's test
file or the whole catalogue, and the shipped ``ptw`` configuration (the warm
runner, which runs the saved module's kata by itself) doing the same.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIED = ["katas", "src", "solutions", "katas.toml", "conftest.py", "pytest.ini"]
DONE = re.compile(rb"katas complete")
PTW = str(Path(sys.executable).parent / "ptw")


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

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.master, slave = pty.openpty()
        env = {**os.environ, "TERM": os.environ.get("TERM", "xterm"), "COLUMNS": "100"}
        self.proc = subprocess.Popen(
            [PTW, *args],
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


def measure(args: list[str], repo: Path, module: Path, saves: int, atomic: bool) -> list[float]:
    watcher = Watcher(args, repo)
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
    from katakit.runner import client, location

    client.stop(location.for_root(repo))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=15)
    parser.add_argument("--kata", default="00", help="id of the kata whose module is edited")
    parser.add_argument("--variants", default="write,replace", help="write, replace or both")
    parser.add_argument(
        "--src",
        choices=["stubs", "solutions"],
        default="stubs",
        help="what src/ holds: the learner's stubs or the solutions",
    )
    ns = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    from katakit.catalog import load

    kata = load(ROOT).find(ns.kata)
    plain = ["--runner", f"{sys.executable} -m pytest", "--spool", "200"]
    rows = [
        (f"kata {kata.label}", "plain ptw", [*plain, "--", kata.tests]),
        (f"kata {kata.label}", "warm ptw", []),
        ("whole catalogue", "plain ptw", plain),
        ("whole catalogue", "warm ptw", ["--", "katas"]),
    ]
    table = []
    for variant in ns.variants.split(","):
        for scope, name, args in rows:
            with tempfile.TemporaryDirectory(prefix="katas-bench-") as tmp:
                repo = copy_repo(Path(tmp))
                if ns.src == "solutions":
                    for f in (repo / "solutions").glob("*.py"):
                        shutil.copy2(f, repo / "src" / f.name)
                try:
                    times = measure(
                        args, repo, repo / kata.module_file(), ns.saves, variant == "replace"
                    )
                finally:
                    stop_server(repo)
            row = (scope, name, variant, statistics.median(times), min(times), max(times))
            table.append(row)
            print(
                "{:<26} {:<10} {:<8} median {:.3f} s  min {:.3f} s  max {:.3f} s".format(*row),
                file=sys.stderr,
                flush=True,
            )

    cpus = os.cpu_count()
    print(
        f"\n{ns.saves} saves per row, src/ = {ns.src}, {cpus} CPUs, Python "
        f"{sys.version.split()[0]}\n"
    )
    print("| what runs | watcher | save | median | min | max | speed-up |")
    print("|---|---|---|---|---|---|---|")
    medians = {(r[0], r[1], r[2]): r[3] for r in table}
    for scope, name, variant, med, lo, hi in table:
        base = medians.get((scope, "plain ptw", variant))
        speed = f"{base / med:.1f}x" if base and name != "plain ptw" else ""
        print(f"| {scope} | {name} | {variant} | {med:.2f} s | {lo:.2f} s | {hi:.2f} s | {speed} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
