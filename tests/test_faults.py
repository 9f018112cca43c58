"""Faults, attacks and accidents: each numbered finding of the hardening review, replayed.

Other users are simulated with folders of another owner or mode (this suite may
run as root, which ignores permissions, so it checks modes, owners and refusals,
not EACCES). In-process wherever the process boundary is not the point.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import socket
import stat
import sys
import threading
from pathlib import Path

import pytest
import torch  # noqa: F401 (imported here once: in-process pytest runs must not import it again)
from helpers import run

from katakit import backup, catalog, hints, limits, progress, results, statefiles, timeouts
from katakit.cli import main
from katakit.console import KataError
from katakit.runner import client, focus, forking, location, protocol
from katakit.runner import server as server_mod

KATA = "katas/test_01_creation.py"
NOBODY = 65534
GRACE_ENV = "KATA_WATCHDOG_GRACE"  # no wait past the limit for the watchdog tests (see timeouts)


@pytest.fixture
def repo(kata_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The copied repository as the current folder, stdin not a terminal."""
    monkeypatch.chdir(kata_repo)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    return kata_repo


def one_line(err: str, start: str = "kata: ") -> str:
    """The single line of ``err`` (asserting there is exactly one and no traceback)."""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(start), err
    return lines[0]


def _server(root: Path, where: location.Location) -> server_mod.Server:
    return server_mod.Server(root.resolve(), where, idle=60)


# -- 1. the socket folder and the runner's files -----------------------------------


@pytest.fixture
def long_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout whose path is too long for a socket, with temp files under ``tmp_path``."""
    root = tmp_path / ("deep" * 30) / "repo"
    root.mkdir(parents=True)
    (root / "katas.toml").write_text("")
    monkeypatch.delenv(location.SOCKET_ENV, raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv(forking.RUNNER_ENV, "1")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize("planted", ["world-writable", "other owner", "symlink"])
def test_a_planted_temp_folder_is_refused_and_plain_pytest_runs(
    planted: str, long_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = location.for_root(long_root)
    folder = where.socket.parent
    assert folder.parent == tmp_path and str(os.geteuid()) in folder.name
    victim = tmp_path / "bashrc"
    victim.write_text("# mine\n")
    if planted == "symlink":
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir(mode=0o700)
        folder.symlink_to(elsewhere)
    else:
        folder.mkdir()
        folder.chmod(0o777)
        (folder / (where.socket.name + ".pid")).symlink_to(victim)
        if planted == "other owner":
            if os.geteuid() != 0:
                pytest.skip("needs root to give the folder away")
            folder.chmod(0o700)
            os.chown(folder, NOBODY, NOBODY)
    with pytest.raises(location.Unsafe):
        location.prepare(where)
    reasons: list[str] = []
    monkeypatch.setattr(
        forking, "run_plain", lambda args, reason, **kw: reasons.append(reason) or 0
    )
    assert client.run(["-q"], owner=0) == 0
    assert len(reasons) == 1 and str(folder) in reasons[0]
    assert victim.read_text() == "# mine\n"


def test_the_runtime_folder_is_preferred_when_private(
    long_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = tmp_path / "run-user"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    assert location.for_root(long_root).socket.parent == runtime / "torch-katas"
    runtime.chmod(0o777)  # not private: the temp folder instead
    assert location.for_root(long_root).socket.parent.parent == tmp_path
    fresh = location.for_root(long_root)
    location.prepare(fresh)
    assert stat.S_IMODE(fresh.socket.parent.stat().st_mode) == 0o700


def test_a_sigterm_that_python_drops_still_ends_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Landing in one of ``os.fork``'s at-fork hooks, the handler's SystemExit is dropped."""
    monkeypatch.setattr(server_mod, "_terminated", False)
    server = server_mod.Server(tmp_path, location.Location(tmp_path / "s.sock"), idle=60)
    monkeypatch.setattr(server, "prepare", lambda *args, **kwargs: None)

    def select(timeout: float) -> list:
        raise AssertionError("the server waited for requests after SIGTERM")

    monkeypatch.setattr(server.selector, "select", select)
    with pytest.raises(SystemExit):
        server_mod._terminate(signal.SIGTERM, None)
    server.serve()  # returns at once instead of serving on until its idle timeout


def test_planted_symlinks_do_not_redirect_the_runner_files(tmp_path: Path) -> None:
    folder = tmp_path / "runner"
    folder.mkdir(mode=0o700)
    where = location.Location(folder / "s.sock")
    victims = {}
    for path in (where.pidfile, where.log, where.lock):
        victim = tmp_path / f"victim-{path.name}"
        victim.write_text("precious\n")
        path.symlink_to(victim)
        victims[path] = victim
    with pytest.raises(OSError):
        location.write_pid(where, os.getpid())
    with pytest.raises(client.Unavailable):
        client._spawn(tmp_path, where, 0)
    with pytest.raises(OSError):
        location.try_lock(where.lock)
    assert location.read_pid(where) is None
    for victim in victims.values():
        assert victim.read_text() == "precious\n"


# -- 2. who may talk to the server; private modes whatever the umask ----------------


@pytest.fixture
def umask_000():
    old = os.umask(0)
    yield
    os.umask(old)


def test_state_folder_and_socket_are_private_whatever_the_umask(
    kata_repo: Path, tmp_path: Path, umask_000: None
) -> None:
    kata = catalog.load(kata_repo).find("01")
    hints.remember(kata_repo, kata, 1)  # `kata hint` creating .kata first
    assert stat.S_IMODE((kata_repo / ".kata").stat().st_mode) == 0o700
    (kata_repo / ".kata").chmod(0o777)  # made open by an earlier version
    results.save(kata_repo, {"01": results.KataResult(1, 2)})
    assert stat.S_IMODE((kata_repo / ".kata").stat().st_mode) == 0o700
    assert stat.S_IMODE((kata_repo / ".kata/results.json").stat().st_mode) == 0o600

    where = location.for_root(kata_repo)
    (kata_repo / ".kata").chmod(0o775)
    location.prepare(where)
    assert stat.S_IMODE((kata_repo / ".kata").stat().st_mode) == 0o700
    server = _server(kata_repo, where)
    server.listen()
    try:
        assert stat.S_IMODE(where.socket.stat().st_mode) == 0o600
    finally:
        server.close()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become another user")
def test_another_user_cannot_connect(tmp_path: Path, umask_000: None) -> None:
    folder = tmp_path / "open"
    folder.mkdir()
    folder.chmod(0o755)  # reachable by anyone: only the socket's own mode protects it
    tmp_path.chmod(0o755)
    where = location.Location(folder / "s.sock")
    server = _server(tmp_path, where)
    server.listen()
    try:
        pid = os.fork()
        if pid == 0:  # pragma: no cover (the child)
            code = 1
            try:
                os.setgid(NOBODY)
                os.setuid(NOBODY)
                probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    probe.connect(str(where.socket))
                except PermissionError:
                    code = 0
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, "another uid could connect"
    finally:
        server.close()


def _pair() -> tuple[socket.socket, socket.socket]:
    return socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)


def _reply(sock: socket.socket) -> dict | None:
    sock.settimeout(5)
    reader = protocol.Reader()
    while True:
        try:
            data = sock.recv(1 << 16)
        except ConnectionResetError:  # closed with our request unread
            return None
        if not data:
            return None
        messages = reader.feed(data)
        if messages:
            return messages[0]


def test_the_server_ignores_a_peer_of_another_uid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = _server(tmp_path, location.Location(tmp_path / "s.sock"))
    monkeypatch.setattr(protocol, "peer_uid", lambda sock: os.geteuid() + 4242)
    theirs, ours = _pair()
    with theirs, ours:
        protocol.send(theirs, {"stop": True})
        server.handle(ours)  # a stop from another uid must not stop it (no Shutdown)
        ours.close()
        assert _reply(theirs) is None


def test_the_client_refuses_a_server_of_another_uid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    where = location.Location(tmp_path / "s.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(where.socket))
    listener.listen(1)
    with listener:
        monkeypatch.setattr(protocol, "peer_uid", lambda sock: os.geteuid() + 4242)
        with pytest.raises(client.Unavailable, match="not by you"):
            client._connect(where)
        assert client.stop(where) is False


def _request(root: Path, **changes: object) -> dict:
    good = {
        "args": ["-q"],
        "changed": None,
        "root": str(root),
        "cwd": str(root),
        "env": {"HOME": str(root)},
        "owner": 0,
        "streams": {"stdout": ["utf-8", "strict"]},
        "argv0": "pytest",
    }
    good.update(changes)
    return good


def _raw(body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + body


@pytest.mark.parametrize(
    "payload",
    [
        _raw(b"[]"),
        _raw(b"null"),
        _raw(b"{not json"),
        _raw(b"[" * 100_000 + b"]" * 100_000),
        (1 << 31).to_bytes(4, "big") + b"{}",
        "args",
        "env",
        "cwd",
        "owner",
        "streams",
        "stop",
    ],
)
def test_a_bad_request_is_refused_and_the_server_goes_on(
    payload: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = _server(tmp_path, location.Location(tmp_path / "s.sock"))
    monkeypatch.setattr(server_mod.Server, "run", lambda *a: pytest.fail("ran a bad request"))
    bad = {
        "args": {"args": "-q"},
        "env": {"env": {"A": "x\0y"}},
        "cwd": {"cwd": "relative/folder"},
        "owner": {"owner": "me"},
        "streams": {"streams": {"stdout": "utf-8"}},
        "stop": {"stop": "yes"},
    }
    theirs, ours = _pair()
    with theirs, ours:
        if isinstance(payload, bytes):
            theirs.sendall(payload)
            theirs.shutdown(socket.SHUT_WR)
        else:
            protocol.send(theirs, _request(tmp_path, **bad[payload]), [0, 1, 2])
        server.handle(ours)
        ours.close()
        reply = _reply(theirs)
    if not isinstance(payload, bytes):
        assert reply is not None and reply["event"] == "refused" and not reply["restart"]


def test_a_failure_before_the_run_is_refused_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = _server(tmp_path, location.Location(tmp_path / "s.sock"))
    monkeypatch.setattr(server_mod.Server, "run", lambda *a: pytest.fail("ran anyway"))
    monkeypatch.setattr(server_mod.forking, "fork_hazard", lambda: None)

    def broken(*args: object, **kwargs: object) -> list[str]:
        raise TypeError("a harness file the fingerprint did not expect")

    monkeypatch.setattr(server_mod, "fingerprint", broken)
    theirs, ours = _pair()
    with theirs, ours:
        protocol.send(theirs, _request(tmp_path), [0, 1, 2])
        server.handle(ours)
        ours.close()
        reply = _reply(theirs)
    assert reply["event"] == "refused" and "TypeError" in reply["reason"]


# -- 3. reset and backups stay inside the checkout ------------------------------------


def test_reset_refuses_to_write_through_a_link_out_of_the_checkout(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text("precious = True\n")
    module = repo / "src/creation.py"
    module.unlink()
    module.symlink_to(outside)
    for argv in (["reset", "01", "--yes"], ["reset", "--undo", "01"]):
        assert main(argv) == 2
        assert "outside the checkout" in one_line(capsys.readouterr().err)
    assert outside.read_text() == "precious = True\n"


def test_backups_never_follow_a_symlinked_folder(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo / ".kata").mkdir()
    (repo / ".kata/backups").symlink_to(elsewhere)
    (repo / "src/creation.py").write_text("# my work\n")
    before = (repo / "src/creation.py").read_bytes()
    assert main(["reset", "01", "--yes"]) == 2
    one_line(capsys.readouterr().err)
    assert list(elsewhere.iterdir()) == []
    assert (repo / "src/creation.py").read_bytes() == before


@pytest.mark.parametrize("planted", ["to a secret", "dangling", "a folder"])
def test_undo_restores_only_regular_backup_files(
    planted: str, repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0\n")
    folder = repo / ".kata/backups"
    folder.mkdir(parents=True)
    name = folder / "29990101-000000--src__creation.py"
    if planted == "a folder":
        name.mkdir()
    else:
        name.symlink_to(secret if planted == "to a secret" else tmp_path / "gone")
    before = (repo / "src/creation.py").read_bytes()
    assert main(["reset", "--undo", "01"]) == 2
    assert "no backup" in one_line(capsys.readouterr().err)
    assert (repo / "src/creation.py").read_bytes() == before


def test_backups_are_private_regular_files(repo: Path, capsys: pytest.CaptureFixture) -> None:
    (repo / "src/creation.py").write_text("# my work\n")
    assert main(["reset", "01", "--yes"]) == 0
    saved = backup.latest(repo, "src/creation.py")
    assert saved is not None and saved.read_text() == "# my work\n"
    assert stat.S_IMODE(saved.lstat().st_mode) == 0o600
    assert stat.S_IMODE((repo / ".kata/backups").stat().st_mode) == 0o700
    assert main(["reset", "--undo", "01"]) == 0
    assert (repo / "src/creation.py").read_text() == "# my work\n"


# -- 4. a deleted socket or state folder costs seconds -------------------------------


def test_a_server_removes_only_the_socket_it_bound(tmp_path: Path) -> None:
    where = location.Location(tmp_path / "s.sock")
    first, second = _server(tmp_path, where), _server(tmp_path, where)
    first.listen()
    where.socket.unlink()  # `rm -rf .kata` under the first server
    second.listen()
    first.close()
    assert where.socket.exists(), "the first server removed the second one's socket"
    second.close()
    assert not where.socket.exists()


def _pid(root: Path) -> int | None:
    return location.read_pid(location.for_root(root))


def _end(pid: int | None) -> None:
    if pid is not None:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def test_runner_recovers(kata_repo: Path) -> None:
    """Deleted state folder, deleted socket, code stuck in C: each costs seconds, not minutes."""
    env = {
        location.SOCKET_ENV: "",
        location.IDLE_ENV: "120",
        forking.RUNNER_ENV: "1",
        GRACE_ENV: "0",
    }
    cmd = [sys.executable, "-m", "katakit.runner", "--solutions", "-q", "-k", "zeros", KATA]
    servers = []
    try:
        first = run(cmd, kata_repo, timeout=120, env=env)
        assert first.returncode == 0, first.stdout + first.stderr
        servers.append(_pid(kata_repo))
        assert stat.S_IMODE((kata_repo / ".kata/runner.sock").stat().st_mode) == 0o600

        import shutil

        shutil.rmtree(kata_repo / ".kata")  # under a live server
        again = run(cmd, kata_repo, timeout=60, env=env)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "running plain pytest" not in again.stderr
        servers.append(_pid(kata_repo))
        assert servers[1] not in (None, servers[0])

        (kata_repo / ".kata/runner.sock").unlink()  # the lock holder lost its socket
        third = run(cmd, kata_repo, timeout=60, env=env)
        assert third.returncode == 0, third.stdout + third.stderr
        assert "running plain pytest" not in third.stderr
        servers.append(_pid(kata_repo))
        assert servers[2] not in (None, servers[1])

        impl = kata_repo / "impl"
        shutil.copytree(kata_repo / "solutions", impl)
        stuck = "\n\ndef from_list(values):\n    import itertools\n"
        stuck += "    return sum(itertools.repeat(1, 10**13))\n"
        (impl / "creation.py").write_text((impl / "creation.py").read_text() + stuck)
        args = ["--impl", str(impl), "--kata-timeout", "0.5", "-q", "-k", "from_list", KATA]
        hung = run([*cmd[:3], *args], kata_repo, timeout=60, env=env)
        assert hung.returncode != 0
        assert "kata 01 creation crashed" in hung.stderr
        assert "test_from_list" in hung.stderr
        assert _pid(kata_repo) == servers[2], "the server itself survived"
    finally:
        for pid in servers:
            _end(pid)


# -- 5. hard limits ----------------------------------------------------------------


def test_a_thread_left_running_does_not_hold_the_exit(kata_repo: Path, run_pytest) -> None:
    (kata_repo / "katas/test_zz_thread.py").write_text(
        "import threading\nimport time\n\n\ndef test_leaves_a_thread():\n"
        "    threading.Thread(target=time.sleep, args=(300,), name='sleeper').start()\n"
    )
    out = run_pytest("-q", "katas/test_zz_thread.py", timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "not waiting for 1 thread(s) a test left running (sleeper)" in out.stderr


def test_output_of_a_test_is_capped_with_a_note(inline_pytest, kata_repo: Path) -> None:
    (kata_repo / "katas/test_zz_loud.py").write_text(
        "def test_loud():\n    print('x' * 3_000_000)\n    assert False\n"
    )
    result = inline_pytest("-q", "katas/test_zz_loud.py")
    assert result.returncode == 1
    assert len(result.stdout) < 300_000
    assert "more characters cut" in result.stdout


def test_a_very_deep_failure_is_reported_briefly(inline_pytest, kata_repo: Path) -> None:
    (kata_repo / "katas/test_zz_deep.py").write_text(
        "import sys\n\n\ndef deep(n):\n    if n == 20_000:\n"
        "        raise ValueError('bottom reached')\n    return deep(n + 1) + 1\n\n\n"
        "def test_deep():\n    old = sys.getrecursionlimit()\n"
        "    sys.setrecursionlimit(30_000)\n    try:\n        deep(0)\n"
        "    finally:\n        sys.setrecursionlimit(old)\n"
    )
    result = inline_pytest("-q", "katas/test_zz_deep.py")
    assert result.returncode == 1
    assert "ValueError: bottom reached" in result.stdout
    assert result.stdout.count("in deep") < 200, "every level of the recursion was printed"


@pytest.fixture
def restore_memory_limit():
    import resource

    saved = resource.getrlimit(resource.RLIMIT_DATA)
    yield
    resource.setrlimit(resource.RLIMIT_DATA, saved)


def test_memory_is_capped(
    inline_pytest, kata_repo: Path, monkeypatch: pytest.MonkeyPatch, restore_memory_limit: None
) -> None:
    monkeypatch.setenv(limits.MEMORY_ENV, "6")
    (kata_repo / "katas/test_zz_greedy.py").write_text(
        "import mmap\nimport resource\n\n\ndef test_cap():\n"
        "    assert resource.getrlimit(resource.RLIMIT_DATA)[0] == 6 << 30\n\n\n"
        "def test_greedy():\n    mmap.mmap(-1, 8 << 30, flags=mmap.MAP_PRIVATE)\n"
    )
    result = inline_pytest("-q", "-rf", "katas/test_zz_greedy.py")
    assert "1 failed, 1 passed" in result.stdout, result.stdout
    assert "FAILED katas/test_zz_greedy.py::test_greedy" in result.stdout
    for bad in ("lots", "-1", "inf"):
        monkeypatch.setenv(limits.MEMORY_ENV, bad)
        with pytest.raises(ValueError, match=limits.MEMORY_ENV):
            limits.memory_limit()
    monkeypatch.setenv(limits.MEMORY_ENV, "0")
    assert limits.memory_limit() is None


def test_status_run_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "test_hang.py").write_text(
        "import time\n\n\ndef test_hang():\n    time.sleep(20)\n"
    )
    monkeypatch.setattr(progress, "STATUS_RUN_LIMIT", 0.5, raising=False)
    with pytest.raises(KataError, match="did not finish within 0.5 s"):
        progress.run_katas(tmp_path)


# -- 6. state files that cannot crash anything ----------------------------------------

BAD_RESULTS = {
    "list": "[]",
    "null": "null",
    "katas list": '{"katas": []}',
    "entry text": '{"katas": {"01": "x"}}',
    "mtime text": '{"katas": {"01": {"passed": 1, "total": 2, "mtime": "yesterday"}}}',
    "huge number": '{"katas": {"01": {"passed": 1, "total": 2, "mtime": 1e400}}}',
    "NaN": '{"katas": {"01": {"passed": 1, "total": 2, "mtime": NaN}}}',
    "bool count": '{"katas": {"01": {"passed": true, "total": 2}}}',
    "not an id": '{"katas": {"../x": {"passed": 1, "total": 2}}}',
    "deep": "[" * 100_000 + "]" * 100_000,
    "binary": "\udcff\udcfe",
    "folder": None,
    "symlink": None,
    "fifo": None,
}


def _plant(repo: Path, name: str, content: str | None, kind: str, tmp_path: Path) -> None:
    path = repo / ".kata" / name
    path.parent.mkdir(exist_ok=True)
    if kind == "folder":
        path.mkdir()
    elif kind == "symlink":
        target = tmp_path / "elsewhere.json"
        target.write_text('{"katas": {}}')
        path.symlink_to(target)
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.write_bytes(content.encode("utf-8", "surrogateescape"))


@pytest.mark.parametrize("kind", BAD_RESULTS)
def test_malformed_results_mean_no_results(
    kind: str, repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    _plant(repo, "results.json", BAD_RESULTS[kind], kind, tmp_path)
    assert results.load(repo) == {}
    assert "results.json" in one_line(capsys.readouterr().err)
    for argv in (["status"], ["status", "--json"], ["list"], ["hint"], ["solution", "01"]):
        assert main(argv) in (0, 1), argv
        err = capsys.readouterr().err
        assert "Traceback" not in err and len(err.strip().splitlines()) <= 2, err
    chosen = focus.choose(repo, catalog.load(repo))  # what the warm server does with them
    assert chosen and chosen[0].id == "00"


def test_malformed_results_do_not_stop_pytest(inline_pytest, kata_repo: Path) -> None:
    (kata_repo / ".kata").mkdir()
    (kata_repo / ".kata/results.json").write_text('{"katas": {"01": "x"}}')
    result = inline_pytest("-q", KATA)  # a whole-file run saves
    assert result.returncode == 1
    assert "INTERNALERROR" not in result.stdout + result.stderr
    assert "01" in results.load(kata_repo)  # saved afresh


@pytest.mark.parametrize("level", ["-5", "1e400", '"x"', "true", "[1]", "folder"])
def test_malformed_hint_levels_start_from_the_first_hint(
    level: str, repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    if level == "folder":
        _plant(repo, "hints.json", None, "folder", tmp_path)
    else:
        _plant(repo, "hints.json", f'{{"01": {level}}}', "text", tmp_path)
    assert main(["hint", "01"]) == 0
    captured = capsys.readouterr()
    assert "Hint 1/" in captured.out
    assert all(line.startswith("kata: ") for line in captured.err.strip().splitlines())
    assert "Traceback" not in captured.err


def test_a_full_disk_leaves_old_state_whole(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    results.save(repo, {"01": results.KataResult(1, 3)})
    (repo / "src/creation.py").write_text("# my work\n")
    before = (repo / ".kata/results.json").read_bytes()
    src_before = (repo / "src/creation.py").read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(statefiles.os, "fsync", full)
    merged = results.save(repo, {"01": results.KataResult(3, 3)})
    assert merged["01"].passed == 3  # this run's results are still shown
    assert "No space left" in one_line(capsys.readouterr().err)
    assert (repo / ".kata/results.json").read_bytes() == before
    assert main(["reset", "01", "--yes"]) == 2  # the backup cannot be written: no reset
    assert "nothing was changed" in one_line(capsys.readouterr().err)
    assert (repo / "src/creation.py").read_bytes() == src_before
    leftovers = [p.name for p in (repo / ".kata").rglob("*") if p.is_file()]
    assert leftovers == ["results.json"]


def test_an_unusable_state_folder_means_plain_pytest(
    kata_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (kata_repo / ".kata").write_text("not a folder")
    monkeypatch.chdir(kata_repo)
    monkeypatch.delenv(location.SOCKET_ENV, raising=False)
    monkeypatch.setenv(forking.RUNNER_ENV, "1")
    reasons: list[str] = []
    monkeypatch.setattr(
        forking, "run_plain", lambda args, reason, **kw: reasons.append(reason) or 0
    )
    assert client.run(["-q", KATA], owner=0) == 0
    assert reasons == [f"{kata_repo / '.kata'} is not a plain folder (a symlink or a file)"]


# -- 7. ids ------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["²", "٣", "1" * 5000, "0x1", "-1", "1.0"])
@pytest.mark.parametrize("verb", ["hint", "reset", "solution", "shell"])
def test_ids_are_parsed_strictly(
    verb: str, key: str, repo: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main([verb, key]) == 2
    line = one_line(capsys.readouterr().err)
    assert "no kata" in line and len(line) < 500


# -- 8. kata watch stops on a usage error ------------------------------------------


@pytest.mark.parametrize("args", [["--bogus"], ["--kata-timeout", "abc"]])
def test_watch_stops_when_pytest_rejects_the_arguments(
    args: list[str], repo: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv(forking.RUNNER_ENV, "0")  # plain pytest, in a subprocess
    done: list[int] = []
    worker = threading.Thread(target=lambda: done.append(main(["watch", *args])), daemon=True)
    worker.start()
    worker.join(60)
    assert done == [2], "kata watch kept waiting after a usage error"
    err = capfd.readouterr().err
    assert "error: " in err  # pytest's own account of the mistake
    assert err.strip().splitlines()[-1].startswith("kata watch: pytest could not start with")


def test_pytest_calls_an_unknown_option_a_usage_error(inline_pytest) -> None:
    assert inline_pytest("--bogus").returncode == 4


# -- 9. --impl DIR ----------------------------------------------------------------


def test_impl_with_a_space_outside_the_checkout_says_how_to_write_it(
    inline_pytest, kata_repo: Path, tmp_path: Path
) -> None:
    import shutil

    outside = tmp_path / "elsewhere" / "impl"
    shutil.copytree(kata_repo / "solutions", outside)
    spaced = inline_pytest("--impl", str(outside))
    assert spaced.returncode == 4
    assert "--impl=DIR" in spaced.stderr
    assert "learner" not in spaced.stdout + spaced.stderr
    joined = inline_pytest(f"--impl={outside}", "-q", "-k", "zeros", KATA)
    assert joined.returncode == 0, joined.stdout


def test_kata_run_with_another_tree_runs_what_pytest_runs() -> None:
    for args in (["--impl", "/elsewhere"], ["--impl=/elsewhere"], ["--solutions"]):
        assert not focus.wants_focus(args)
        assert focus.focus_args(Path.cwd(), args) == args


# -- 10. option values -------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--kata-timeout", "inf"],
        ["--kata-timeout", "1e300"],
        ["--kata-timeout", "-1"],
        ["--kata-timeout", "nan"],
        ["--kata-timeout", "abc"],
        ["--impl", ""],
        ["--device", ""],
        ["--device", " , "],
    ],
)
def test_bad_option_values_are_usage_errors(inline_pytest, args: list[str]) -> None:
    result = inline_pytest(*args, "-q", "-k", "zeros", KATA)
    assert result.returncode == 4, result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_time_limits_accept_seconds_and_zero() -> None:
    assert timeouts.parse_limit("0") == 0.0
    assert timeouts.parse_limit("2.5") == 2.5
    for bad in ("inf", "1e300", "-1", "nan", "", "5s"):
        with pytest.raises(ValueError):
            timeouts.parse_limit(bad)


def test_the_watchdog_lingers_between_tests_and_not_after_an_import(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[object] = []
    monkeypatch.setattr(timeouts, "_report_fd", 2)
    monkeypatch.setattr(timeouts, "_watchdog_at", 0.0)
    monkeypatch.setattr(
        timeouts.faulthandler, "dump_traceback_later", lambda seconds, **_: calls.append(seconds)
    )
    monkeypatch.setattr(
        timeouts.faulthandler, "cancel_dump_traceback_later", lambda: calls.append("cancel")
    )
    with timeouts.alarm(5, linger=True):  # a test: armed with room to spare
        pass
    with timeouts.alarm(5, linger=True):  # the next test: still armed long enough
        pass
    assert calls == [5 * timeouts.WAIT_FACTOR + timeouts.GRACE + timeouts.SLACK]
    with timeouts.alarm(5):  # a learner module's import: nothing lingers after it
        pass
    assert calls[-1] == "cancel" and timeouts._watchdog_at == 0.0
    with timeouts.alarm(0):  # no limit: nothing armed
        pass
    assert len(calls) == 2


def test_a_run_leaves_no_watchdog_armed(inline_pytest) -> None:
    result = inline_pytest("--solutions", "-q", KATA)
    assert result.returncode == 0, result.stdout
    assert timeouts._watchdog_at == 0.0


def test_state_json_is_never_written_with_non_finite_numbers(
    repo: Path, capsys: pytest.CaptureFixture
) -> None:
    assert not statefiles.write_json(repo, "x.json", {"a": float("nan")}, "it is dropped")
    assert not (repo / ".kata/x.json").exists()
    one_line(capsys.readouterr().err)
