"""The processes whose end lets the warm server exit: ``kata-run``'s session leader
(the terminal's shell) or ``kata watch``.

Each is watched through a pidfd in the server's selector where Linux has them,
else by polling with signal 0. Once the server has had an owner and all are
gone, it exits; without any, only its idle timeout ends it.
"""

from __future__ import annotations

import os
import selectors


class Owners:
    def __init__(self, selector: selectors.BaseSelector) -> None:
        self.selector = selector
        self.pidfds: dict[int, int | None] = {}  # owner pid -> pidfd (None: polled)
        self.had_any = False

    def add(self, pid: int) -> None:
        """Stay alive while ``pid`` lives (pids 0 and 1 are nobody's session)."""
        if pid <= 1 or pid in self.pidfds:
            return
        try:
            fd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            fd = None
            try:
                os.kill(pid, 0)
            except OSError:
                return
        self.pidfds[pid] = fd
        self.had_any = True
        if fd is not None:
            self.selector.register(fd, selectors.EVENT_READ, ("owner", pid))

    def drop(self, pid: int) -> None:
        fd = self.pidfds.pop(pid, None)
        if fd is not None:
            self.selector.unregister(fd)
            os.close(fd)

    def prune(self) -> None:
        """Forget the polled owners that have exited."""
        for pid, fd in list(self.pidfds.items()):
            if fd is None:
                try:
                    os.kill(pid, 0)
                except OSError:
                    self.drop(pid)

    def all_gone(self) -> bool:
        return self.had_any and not self.pidfds

    def fds(self) -> list[int]:
        return [fd for fd in self.pidfds.values() if fd is not None]

    def close(self) -> None:
        for fd in self.fds():
            os.close(fd)
