"""``kata dashboard``: the facilitator's live grid of pairs × katas, served over HTTP.

It prints the page's URL and the exact line each pair types to join. The
workshop code and the facilitator key are kept in the SQLite file (``--db``),
so a restart on the same file lets every pair go on sending. Bound to a host
other than loopback, the page and the API also need the facilitator key.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import secrets
import socket
import sys
from pathlib import Path

from katakit.catalog import CatalogError
from katakit.cli import Parser
from katakit.console import KataError, checkout

DEFAULT_PORT = 8765
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud or off a projector


def new_code() -> str:
    pick = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{pick[:4]}-{pick[4:]}"


def loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _lan_address() -> str:
    """This machine's address on its LAN (no packet is sent), else its host name."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))
            return probe.getsockname()[0]
    except OSError:
        return socket.gethostname()


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="kata dashboard",
        description="Serve the workshop dashboard: a live grid of the pairs that `kata join` it.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port ({DEFAULT_PORT})")
    parser.add_argument("--db", type=Path, help="SQLite file (default .kata/dashboard.sqlite3)")
    parser.add_argument("--code", help="the workshop code learners need (default: kept or new)")
    return parser


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise KataError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}): try --port"
        ) from None
    sock.listen(128)
    return sock


def serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from katakit.workshop import app
        from katakit.workshop.store import Store
    except ImportError:
        raise KataError(
            "the dashboard needs the workshop extra: pip install -e '.[workshop]' "
            "(or scripts/install.sh --workshop)"
        ) from None
    from katakit import statefiles
    from katakit.workshop.membership import clean_code

    if not 0 <= args.port < 65536:
        raise KataError(f"--port {args.port}: choose 1 to 65535 (0: any free port)")
    given_code = clean_code(args.code) if args.code is not None else None
    root, catalog = checkout()
    db = args.db if args.db is not None else statefiles.private_dir(root) / "dashboard.sqlite3"
    sock = _bind(args.host, args.port)
    try:
        store = Store(db)
    except Exception as exc:  # sqlite3.Error: not a database, locked, unwritable
        sock.close()
        raise KataError(f"cannot use {db} as the dashboard's database ({exc})") from None
    if given_code is not None:
        store.set("code", given_code)
    code = store.setting("code", new_code())
    key = None if loopback(args.host) else store.setting("key", secrets.token_urlsafe(18))
    shown = args.host if args.host not in ("0.0.0.0", "::") else _lan_address()
    base = f"http://{f'[{shown}]' if ':' in shown else shown}:{sock.getsockname()[1]}"
    page = f"{base}/" + (f"?key={key}" if key else "")
    print(f"kata dashboard: {len(catalog.katas)} katas, data in {db}")
    print(f"  the page:     {page}" + ("   (the key is yours: do not share it)" if key else ""))
    print(f'  learners type: kata join {base} {code} --name "Ana & Ben"')
    if key is None:
        print("  (only this machine can reach it; --host 0.0.0.0 for a room on one LAN)")
    print("Stop it with Ctrl-C; started again with the same --db, it shows every pair as before.")
    sys.stdout.flush()
    logging.basicConfig(level=logging.WARNING, format="dashboard: %(message)s", stream=sys.stderr)
    config = uvicorn.Config(
        app.create(catalog, store, code=code, key=key),
        log_level="warning",
        access_log=False,
        lifespan="off",
    )
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        store.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return serve(build_parser().parse_args(argv))
    except (KataError, CatalogError) as exc:
        print(f"kata dashboard: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
