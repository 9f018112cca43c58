"""The dashboard's one page: pairs × katas as a server-rendered table, refreshed every few seconds.

Self-contained (inline style, no script, nothing fetched) so it works with no
network and no build step. Every state has a colour and a symbol, so the grid
reads on a projector and in greyscale. Everything a learner sent is escaped.
"""

from __future__ import annotations

import time
from html import escape

from katakit.catalog import Catalog

REFRESH = 5  # seconds between the page's reloads
SYMBOLS = {"done": "✔", "in_progress": "◐", "not_started": "·"}
WORDS = {"done": "done", "in_progress": "in progress", "not_started": "not started"}
_STYLE = """
body { font: 16px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #111; background: #fff; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; }
p.meta { margin: 0 0 1rem; color: #444; }
table { border-collapse: collapse; }
th, td { border: 1px solid #bbb; padding: .25rem .5rem; text-align: center; white-space: nowrap; }
th.pair, td.pair { text-align: left; font-weight: 600; }
td.now { text-align: left; white-space: normal; max-width: 28rem; font-size: .9rem; }
td.done { background: #1a7f37; color: #fff; }
td.in_progress { background: #f2c744; color: #111; font-weight: 600; }
td.not_started { background: #f3f3f3; color: #666; }
td.seen { color: #444; font-size: .9rem; }
tr.quiet td.seen { background: #111; color: #fff; }
.legend span { margin-right: 1.2rem; padding: .1rem .4rem; border: 1px solid #bbb; }
"""


def ago(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 90:
        return f"{seconds} s ago"
    if seconds < 5400:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago"


def cell(entry: dict | None) -> str:
    entry = entry or {"state": "not_started", "passed": 0, "total": 0}
    state = entry["state"]
    counts = f" {entry['passed']}/{entry['total']}" if state == "in_progress" else ""
    title = f"{WORDS[state]}: {entry['passed']} of {entry['total']} tests pass"
    return f'<td class="{state}" title="{escape(title)}">{SYMBOLS[state]}{counts}</td>'


def render(catalog: Catalog, pairs: list[dict], *, now: float | None = None) -> str:
    """The whole page for ``pairs`` (as ``Store.pairs`` gives them)."""
    now = time.time() if now is None else now
    heads = "".join(
        f'<th title="{escape(k.title)}">{escape(k.id)}<br>{escape(k.name)}</th>'
        for k in catalog.katas
    )
    rows = []
    for pair in pairs:
        cells = "".join(cell(pair["katas"].get(k.id)) for k in catalog.katas)
        current = pair.get("current")
        doing = "all done"
        if current:
            fn = f", {current['function']}()" if current.get("function") else ""
            doing = f"kata {current['kata']}{fn}"
        reason = f"<br>{escape(pair['reason'])}" if pair.get("reason") else ""
        quiet = " class=quiet" if now - pair["last_seen"] > 600 else ""
        rows.append(
            f"<tr{quiet}><td class=pair>{escape(pair['name'])}</td>{cells}"
            f"<td class=now>{escape(doing)}{reason}</td>"
            f"<td class=seen>{ago(now - pair['last_seen'])}</td></tr>"
        )
    body = "\n".join(rows) or (
        f'<tr><td colspan="{len(catalog.katas) + 3}">No pair has joined yet.</td></tr>'
    )
    legend = "".join(
        f'<span class="{s}">{SYMBOLS[s]} {WORDS[s]}</span>'
        for s in ("done", "in_progress", "not_started")
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="{REFRESH}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>torch-katas workshop</title><style>{_STYLE}</style></head>
<body><h1>torch-katas workshop</h1>
<p class="meta">{len(pairs)} pair{"" if len(pairs) == 1 else "s"} · refreshes every {REFRESH} s</p>
<p class="legend">{legend}</p>
<table id="pairs"><thead><tr><th class=pair>pair</th>{heads}<th>now</th><th>last seen</th>
</tr></thead>
<tbody>
{body}
</tbody></table></body></html>
"""
