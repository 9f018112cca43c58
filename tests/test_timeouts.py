"""Time limits count CPU time: a starved or waiting test is not a loop; loops still end.

In plain pytest here; ``test_runner`` plays the same cases through the warm runner.
"""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path

import pytest
from helpers import C_LOOP, PAUSED, SLEEPS, STUCK_IN_C, TEST, learner

from katakit import timeouts
from katakit.timeouts import KataTimeout, alarm


def spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


# -- the alarm ----------------------------------------------------------------------


def test_waiting_within_the_backstop_is_not_a_timeout() -> None:
    with alarm(0.1):
        time.sleep(0.3)  # three times the limit on the clock, no CPU


def test_cpu_time_past_the_limit_is_a_timeout() -> None:
    with pytest.raises(KataTimeout, match=r"^timed out after 0\.1 s of CPU time$") as caught:
        with alarm(0.1):
            spin(5)
    assert not caught.value.waiting


def test_waiting_past_the_backstop_is_a_timeout_that_says_so() -> None:
    started = time.monotonic()
    with pytest.raises(KataTimeout) as caught:
        with alarm(0.05):
            time.sleep(5)
    assert caught.value.waiting
    waited = 0.05 * timeouts.WAIT_FACTOR
    assert re.fullmatch(
        rf"timed out after waiting {waited:g} s, using 0\.\d\d s of CPU time", str(caught.value)
    )
    assert waited <= time.monotonic() - started < 2


def test_no_alarm_is_left_armed() -> None:
    with alarm(0.2):
        pass
    for timer in (signal.ITIMER_PROF, signal.ITIMER_REAL, signal.ITIMER_VIRTUAL):
        assert signal.getitimer(timer) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGPROF) is signal.SIG_DFL


# -- a run ----------------------------------------------------------------------------


def test_a_correct_test_held_off_the_cpu_passes(kata_repo: Path, run_pytest) -> None:
    impl, _ = learner(kata_repo, PAUSED)
    out = run_pytest(f"--impl={impl}", "--kata-timeout=1", "-q", TEST, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 passed" in out.stdout


def test_a_test_that_sleeps_past_the_backstop_is_reported_as_waiting(
    kata_repo: Path, inline_pytest
) -> None:
    impl, line = learner(kata_repo, SLEEPS)
    out = inline_pytest(f"--impl={impl}", "--kata-timeout=0.2", TEST).stdout
    waited = 0.2 * timeouts.WAIT_FACTOR
    assert re.search(
        rf"timed out after waiting {waited:g} s, using 0\.\d\d s of CPU time in `torch_version` "
        rf"\(\S*environment\.py:{line}\): is it waiting \(time\.sleep, input\(\), a lock\), "
        "or is the machine too busy to run it\\?",
        out,
    ), out
    assert "loop" not in out


def test_a_loop_of_c_calls_times_out_at_its_line(kata_repo: Path, inline_pytest) -> None:
    impl, line = learner(kata_repo, C_LOOP)
    out = inline_pytest(f"--impl={impl}", "--kata-timeout=0.3", TEST).stdout
    assert re.search(
        rf"timed out after 0\.3 s of CPU time in `torch_version` \(\S*environment\.py:"
        rf"({line}|{line - 1})\): is there a loop that never ends\?",
        out,
    ), out


@pytest.mark.parametrize("stuck", STUCK_IN_C)
def test_code_stuck_in_one_c_call_is_ended_with_its_line(
    kata_repo: Path, run_pytest, monkeypatch: pytest.MonkeyPatch, stuck: str
) -> None:
    monkeypatch.setenv("KATA_WATCHDOG_GRACE", "0.5")
    impl, line = learner(kata_repo, STUCK_IN_C[stuck])
    started = time.monotonic()
    out = run_pytest(f"--impl={impl}", "--kata-timeout=0.5", TEST, timeout=120)
    assert out.returncode == -timeouts.WATCHDOG_SIGNAL, out.stdout + out.stderr
    assert f'environment.py", line {line} in torch_version' in out.stderr
    assert "in test_torch_version_is_the_installed_one" in out.stderr
    assert time.monotonic() - started < 60
