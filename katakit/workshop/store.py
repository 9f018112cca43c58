"""The dashboard's SQLite file: the pairs' latest reports and the workshop's own code and key.

WAL journal, one write transaction per report: a dashboard killed with
``kill -9`` and started again on the same file shows every pair as before.
A report is kept only when its ``seq`` is newer than the one held, so a retry
never counts twice. At most ``MAX_PAIRS`` pairs.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

MAX_PAIRS = 500
_SCHEMA = """
CREATE TABLE IF NOT EXISTS pairs (
    client TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    seq INTEGER NOT NULL,
    runs INTEGER NOT NULL,
    report TEXT NOT NULL,
    first_seen REAL NOT NULL,
    last_seen REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class Store:
    """One connection, used by one request at a time."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL: safe against a killed process
        self._db.executescript(_SCHEMA)

    def setting(self, key: str, default: str) -> str:
        """The stored value of ``key``; ``default`` is stored first where there is none."""
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)", (key, default)
            )
            return self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()[
                0
            ]

    def set(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value)
            )

    def put(self, report: dict) -> str:
        """Keep a checked report: "new", "newer", "same" (a retry or an older one) or "full"."""
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                held = self._db.execute(
                    "SELECT seq FROM pairs WHERE client = ?", (report["client"],)
                ).fetchone()
                if held is None:
                    (count,) = self._db.execute("SELECT COUNT(*) FROM pairs").fetchone()
                    if count >= MAX_PAIRS:
                        outcome = "full"
                    else:
                        self._db.execute(
                            "INSERT INTO pairs VALUES (?, ?, ?, 1, ?, ?, ?)",
                            (
                                report["client"],
                                report["name"],
                                report["seq"],
                                json.dumps(report),
                                now,
                                now,
                            ),
                        )
                        outcome = "new"
                elif report["seq"] > held[0]:
                    self._db.execute(
                        "UPDATE pairs SET name = ?, seq = ?, runs = runs + 1, report = ?,"
                        " last_seen = ? WHERE client = ?",
                        (report["name"], report["seq"], json.dumps(report), now, report["client"]),
                    )
                    outcome = "newer"
                else:
                    self._db.execute(
                        "UPDATE pairs SET last_seen = ? WHERE client = ?", (now, report["client"])
                    )
                    outcome = "same"
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return outcome

    def remove(self, client: str) -> bool:
        with self._lock:
            return self._db.execute("DELETE FROM pairs WHERE client = ?", (client,)).rowcount > 0

    def pairs(self) -> list[dict]:
        """Every pair, by name: its latest report with ``runs`` and ``last_seen`` added."""
        with self._lock:
            rows = self._db.execute(
                "SELECT report, runs, first_seen, last_seen FROM pairs ORDER BY name, first_seen"
            ).fetchall()
        out = []
        for report, runs, first_seen, last_seen in rows:
            data = json.loads(report)
            data.pop("client", None)
            out.append({**data, "runs": runs, "first_seen": first_seen, "last_seen": last_seen})
        return out

    def close(self) -> None:
        with self._lock:
            self._db.close()
