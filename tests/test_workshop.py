"""The workshop room over real HTTP on 127.0.0.1: `kata dashboard`, `kata join`, the sends.

Each dashboard is a real `kata dashboard --port 0` process; each pair a throwaway
checkout whose runs send in the background, as a learner's do.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import starlette  # noqa: F401  (the workshop extra: scripts/install.sh --workshop)
import uvicorn  # noqa: F401
from helpers import copy_repo, run

from katakit.workshop import payload
from katakit.workshop.store import MAX_PAIRS

KATA = [sys.executable, "-m", "katakit.cli"]
ENV_TESTS = "katas/test_00_environment.py"
SCRIPT_NAME = "<script>alert('x')</script> & co"


class Dashboard:
    """One `kata dashboard` process, its URL, code and log."""

    def __init__(self, folder: Path, db: Path, *args: str) -> None:
        self.folder, self.db, self.args = folder, db, args
        self.log = folder / f"dashboard-{time.monotonic_ns()}.log"
        with open(self.log, "w") as err:
            self.proc = subprocess.Popen(
                [*KATA, "dashboard", "--port", "0", "--db", str(db), *args],
                cwd=folder,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
            )
        lines = [self.proc.stdout.readline() for _ in range(4)]
        found = re.search(r"kata join (\S+) (\S+) --name", "".join(lines))
        assert found, "".join(lines) + self.log.read_text()
        self.url, self.code = found.groups()
        self.banner = "".join(lines)
        self.key = None
        keyed = re.search(r"\?key=(\S+)", self.banner)
        if keyed:
            self.key = keyed.group(1)
            self.url = self.url.replace(re.search(r"//([^:/]+)", self.url).group(1), "127.0.0.1")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def pairs(self) -> list[dict]:
        status, body = self.get("/api/pairs")
        assert status == 200, body
        return json.loads(body)["pairs"]

    def post(self, body: bytes, code: str | None = None, path: str = "/api/report") -> int:
        request = urllib.request.Request(
            self.url + path,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-Workshop-Code": self.code if code is None else code,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return answer.status
        except urllib.error.HTTPError as exc:
            return exc.code

    def refusals(self) -> list[str]:
        return [ln for ln in self.log.read_text().splitlines() if " refused " in ln]

    def kill(self, sig: int = signal.SIGKILL) -> None:
        self.proc.send_signal(sig)
        self.proc.wait(10)
        self.proc.stdout.close()


@pytest.fixture
def dashboard(tmp_path: Path):
    home = copy_repo(tmp_path / "dash")
    board = Dashboard(home, tmp_path / "workshop.sqlite3")
    yield board
    if board.proc.poll() is None:
        board.kill(signal.SIGTERM)


def kata(checkout: Path, *args: str) -> subprocess.CompletedProcess:
    return run([*KATA, *args], checkout, timeout=60)


def learner(tmp_path: Path, name: str) -> Path:
    return copy_repo(tmp_path / name)


def joined(tmp_path: Path, board: Dashboard, folder: str, name: str) -> Path:
    checkout = learner(tmp_path, folder)
    done = kata(checkout, "join", board.url, board.code, "--name", name, "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    return checkout


def report(client: str = "a" * 32, **change) -> dict:
    katas = {"00": {"state": "in_progress", "passed": 3, "total": 20}}
    base = {
        "v": 1,
        "client": client,
        "name": "Ana & Ben",
        "seq": 5,
        "updated": 1.5,
        "current": {"kata": "00", "function": "cuda_version"},
        "reason": "AssertionError: called cuda_version(), returned '12', expected None",
        "katas": katas,
    }
    return {**base, **change}


def sent(board: Dashboard, name: str, until, within: float = 20) -> dict:
    """The pair called ``name`` once ``until(pair)`` holds (sends run in the background)."""
    deadline = time.monotonic() + within
    while True:
        found = [p for p in board.pairs() if p["name"] == name]
        if found and until(found[0]):
            return found[0]
        assert time.monotonic() < deadline, f"{name}: {found}"
        time.sleep(0.1)


def test_three_pairs_join_run_and_show_their_states(tmp_path, dashboard):
    ana = joined(tmp_path, dashboard, "ana", "Ana & Ben")
    cy = joined(tmp_path, dashboard, "cy", "Cy & Di")
    eve = joined(tmp_path, dashboard, "eve", SCRIPT_NAME)
    assert {p["name"] for p in dashboard.pairs()} == {"Ana & Ben", "Cy & Di", SCRIPT_NAME}
    for checkout in (ana, cy, eve):
        assert oct((checkout / ".kata" / "workshop.json").stat().st_mode & 0o777) == "0o600"

    shutil.copy(ana / "solutions" / "environment.py", ana / "src" / "environment.py")
    source = (cy / "solutions" / "environment.py").read_text()
    (cy / "src" / "environment.py").write_text(source + "\n\ndef cuda_available():\n    return 1\n")
    for checkout in (ana, cy, eve):
        assert run([sys.executable, "-m", "pytest", "-q", ENV_TESTS], checkout).returncode in (0, 1)

    done = sent(dashboard, "Ana & Ben", lambda p: p["katas"]["00"]["state"] == "done")
    assert done["katas"]["00"]["passed"] == done["katas"]["00"]["total"] > 0
    assert done["current"] == {"kata": "01", "function": None}
    assert done["katas"]["01"] == {"state": "not_started", "passed": 0, "total": 0}
    half = sent(dashboard, "Cy & Di", lambda p: p["katas"]["00"]["state"] == "in_progress")
    assert 0 < half["katas"]["00"]["passed"] < half["katas"]["00"]["total"]
    assert half["current"] == {"kata": "00", "function": "cuda_available"}
    assert half["reason"] == "assert 1 is True"  # the first failure's own one line
    stub = sent(dashboard, SCRIPT_NAME, lambda p: p["katas"]["00"]["total"] > 0)
    assert stub["katas"]["00"]["state"] == "not_started" and stub["reason"].startswith(
        "NotImplementedError"
    )
    assert "client" not in stub  # a pair's id stays between it and the dashboard
    status = kata(cy, "status")
    assert re.search(
        r"workshop: 'Cy & Di' at http://127\.0\.0\.1:\d+; last sent \d+ s ago", status.stdout
    )

    code, page = dashboard.get("/")
    assert code == 200
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in page
    assert "<script" not in page
    assert page.count("<tr><td class=pair>") == 3


def test_a_wrong_code_is_refused_and_nothing_is_stored(tmp_path, dashboard):
    checkout = learner(tmp_path, "ana")
    wrong = kata(checkout, "join", dashboard.url, "ZZZZ-ZZZZ", "--name", "Ana", "--yes")
    assert wrong.returncode == 2
    assert wrong.stderr.strip().splitlines() == [
        "kata: the dashboard said no: HTTP 403 from the dashboard (wrong workshop code); "
        "nothing was saved"
    ]
    assert not (checkout / ".kata" / "workshop.json").exists()
    assert dashboard.post(json.dumps(report()).encode(), code="ZZZZ-ZZZZ") == 403
    assert dashboard.post(json.dumps(report()).encode(), code="") == 403
    assert dashboard.pairs() == []
    assert len(dashboard.refusals()) == 3


def one_kata(kid: str = "00", state: str = "done", passed: object = 1, total: object = 1) -> bytes:
    """A report whose katas hold only ``kid``, with these fields."""
    entry = {"state": state, "passed": passed, "total": total}
    return json.dumps(report(katas={kid: entry})).encode()


BAD = {
    "oversized": (b'{"pad": "' + b"x" * (payload.MAX_BODY + 1) + b'"}', 413),
    "not UTF-8": (b'{"name": "\xff\xfe"}', 400),
    "not JSON": (b"{", 400),
    "NaN": (json.dumps(report()).replace("1.5", "NaN").encode(), 400),
    "huge number": (json.dumps(report(seq=10**400)).encode(), 422),
    "digits beyond int": (json.dumps(report()).replace("5,", "9" * 5000 + ",", 1).encode(), 400),
    "unknown kata": (one_kata("99"), 422),
    "kata id as path": (one_kata("../x"), 422),
    "wrong type": (json.dumps(report(seq="5")).encode(), 422),
    "bool count": (one_kata(passed=True), 422),
    "too many passed": (one_kata(passed=3, total=2), 422),
    "unknown state": (one_kata(state="won"), 422),
    "array": (b"[1, 2]", 422),
    "extra field": (json.dumps({**report(), "path": "/etc/passwd"}).encode(), 422),
    "markup in function": (
        json.dumps(report(current={"kata": "00", "function": "<b>"})).encode(),
        422,
    ),
    "control in name": (json.dumps(report(name="a\x1b[2Jb")).encode(), 422),
    "long name": (json.dumps(report(name="n" * 61)).encode(), 422),
}


def test_bad_bodies_get_a_4xx_one_log_line_each_and_store_nothing(dashboard):
    for what, (body, status) in BAD.items():
        assert dashboard.post(body) == status, what
    assert dashboard.pairs() == []
    assert len(dashboard.refusals()) == len(BAD)
    assert dashboard.proc.poll() is None
    assert dashboard.get("/api/../../etc/passwd")[0] == 404


def test_a_retry_never_counts_twice_and_an_older_report_never_wins(dashboard):
    body = json.dumps(report()).encode()
    assert [dashboard.post(body) for _ in range(3)] == [200, 200, 200]
    (pair,) = dashboard.pairs()
    assert pair["runs"] == 1
    newer = report(seq=9, katas={"00": {"state": "done", "passed": 20, "total": 20}})
    assert dashboard.post(json.dumps(newer).encode()) == 200
    assert dashboard.post(body) == 200  # the first report again, late
    (pair,) = dashboard.pairs()
    assert (pair["runs"], pair["seq"], pair["katas"]["00"]["state"]) == (2, 9, "done")


def test_a_kill_9_restart_keeps_every_pair_and_the_code(tmp_path, dashboard):
    for n in range(3):
        assert dashboard.post(json.dumps(report(f"{n:032x}", name=f"pair {n}")).encode()) == 200
    before = dashboard.pairs()
    dashboard.kill()
    again = Dashboard(dashboard.folder, dashboard.db)
    try:
        assert again.code == dashboard.code
        assert again.pairs() == before
        assert again.post(json.dumps(report(f"{0:032x}", seq=6)).encode()) == 200
    finally:
        again.kill(signal.SIGTERM)


def test_the_pair_limit_holds(tmp_path, dashboard):
    from katakit.workshop.store import Store

    dashboard.kill(signal.SIGTERM)
    store = Store(dashboard.db)
    for n in range(MAX_PAIRS):
        assert store.put(report(f"{n:032x}")) == "new"
    store.close()
    again = Dashboard(dashboard.folder, dashboard.db)
    try:
        assert again.post(json.dumps(report("f" * 32)).encode()) == 409
        assert again.post(json.dumps(report(f"{7:032x}", seq=8)).encode()) == 200
        assert len(again.pairs()) == MAX_PAIRS
    finally:
        again.kill(signal.SIGTERM)


def test_off_loopback_the_page_and_api_need_the_facilitator_key(tmp_path):
    board = Dashboard(copy_repo(tmp_path / "dash"), tmp_path / "w.sqlite3", "--host", "0.0.0.0")
    try:
        assert board.key and board.key != board.code
        assert board.get("/")[0] == 403
        assert board.get("/api/pairs?key=" + board.code)[0] == 403
        assert board.post(json.dumps(report()).encode()) == 200  # learners need only the code
        assert board.get("/?key=" + board.key)[0] == 200
        status, body = board.get("/api/pairs?key=" + board.key)
        assert status == 200 and json.loads(body)["pairs"][0]["name"] == "Ana & Ben"
    finally:
        board.kill(signal.SIGTERM)


def test_leave_stops_sending_and_takes_the_pair_off(tmp_path, dashboard):
    checkout = joined(tmp_path, dashboard, "ana", "Ana")
    assert len(dashboard.pairs()) == 1
    left = kata(checkout, "leave")
    assert left.returncode == 0 and "nothing more is sent" in left.stdout
    assert dashboard.pairs() == []
    assert not (checkout / ".kata" / "workshop.json").exists()
    assert "workshop:" not in kata(checkout, "status").stdout


def test_with_the_dashboard_gone_runs_go_on_and_status_says_why(tmp_path, dashboard):
    checkout = joined(tmp_path, dashboard, "ana", "Ana")
    dashboard.kill()
    ran = run([sys.executable, "-m", "pytest", "-q", ENV_TESTS], checkout)
    assert ran.returncode == 1 and "Traceback" not in ran.stdout + ran.stderr
    deadline = time.monotonic() + 20
    while "failed" not in (line := kata(checkout, "status").stdout):
        assert time.monotonic() < deadline, line
        time.sleep(0.2)
    assert re.search(r"the last send failed \d+ s ago: could not reach http://127", line)


def test_join_says_what_it_sends_and_refuses_bad_input_in_one_line(tmp_path, dashboard):
    checkout = learner(tmp_path, "ana")
    shown = kata(checkout, "join", dashboard.url, dashboard.code, "--name", "Ana", "--yes")
    preview = shown.stdout[shown.stdout.index("{") : shown.stdout.rindex("}") + 1]
    assert json.loads(preview)["name"] == "Ana"
    assert set(json.loads(preview)) == {
        "v",
        "client",
        "name",
        "seq",
        "updated",
        "current",
        "reason",
        "katas",
    }
    assert str(checkout) not in shown.stdout and os.environ.get("USER", "\0") not in preview
    for args, said in [
        (["ftp://x", "ABCD-EFGH"], "is not a dashboard URL"),
        ([dashboard.url + "/x", "ABCD-EFGH"], "is not a dashboard URL"),
        ([dashboard.url, "no"], "the workshop code is"),
    ]:
        bad = kata(
            learner(tmp_path, f"b{len(said)}{len(args[0])}"), "join", *args, "--name", "A", "--yes"
        )
        assert bad.returncode == 2 and said in bad.stderr and len(bad.stderr.splitlines()) == 1
    noyes = run(
        [*KATA, "join", dashboard.url, dashboard.code, "--name", "B"],
        learner(tmp_path, "c"),
        stdin=subprocess.DEVNULL,
    )
    assert noyes.returncode == 2 and "add --yes" in noyes.stderr


def test_dashboard_bad_input_is_one_line_and_exit_2(tmp_path):
    checkout = learner(tmp_path, "facilitator")
    for args, said in [
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--port", "many"], "--port: invalid int value"),
        (["--port", "99999"], "choose 1 to 65535"),
        (["--code", "x"], "the workshop code is"),
        (["--port", "0", "--db", str(tmp_path)], "as the dashboard's database"),
    ]:
        bad = kata(checkout, "dashboard", *args)
        assert bad.returncode == 2, (args, bad.stderr)
        assert said in bad.stderr and len(bad.stderr.splitlines()) == 1, (args, bad.stderr)
    assert not (checkout / ".kata" / "dashboard.sqlite3").exists()


def _browser() -> str:
    found = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
    if found is None:
        if os.environ.get("KATA_TEST_BROWSER") == "1":
            pytest.fail("KATA_TEST_BROWSER=1 but no chromium on PATH (apt-get install chromium)")
        pytest.skip("no chromium on PATH (KATA_TEST_BROWSER=1 makes this a failure)")
    return found


def test_headless_chromium_shows_the_three_pairs_and_the_markup_name_as_text(tmp_path, dashboard):
    browser = _browser()
    for folder, name in (("ana", "Ana & Ben"), ("cy", "Cy & Di"), ("eve", SCRIPT_NAME)):
        joined(tmp_path, dashboard, folder, name)
    profile = tmp_path / "chromium-profile"
    dom = run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={profile}",
            "--dump-dom",
            dashboard.url + "/",
        ],
        tmp_path,
        timeout=90,
    ).stdout
    cells = re.findall(r'<td class="pair">(.*?)</td>', dom)
    assert cells == [
        "&lt;script&gt;alert('x')&lt;/script&gt; &amp; co",
        "Ana &amp; Ben",
        "Cy &amp; Di",
    ]
    assert "<script" not in dom
    assert dom.count('<td class="not_started"') == 3 * 12  # every kata, for each pair
    assert "✔ done" in dom and "◐ in progress" in dom and "· not started" in dom
