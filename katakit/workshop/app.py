"""The dashboard's routes (Starlette): the page, ``/api/pairs``, and the two learner endpoints.

- ``GET /`` and ``GET /api/pairs``: the grid as HTML and as JSON. With a
  facilitator key set (a dashboard bound to a non-loopback host), both need it
  (``?key=`` or the ``X-Facilitator-Key`` header).
- ``POST /api/report`` and ``POST /api/leave``: a pair's report, or its leaving.
  Both need the workshop code (``X-Workshop-Code``); bodies are JSON of at most
  16 KiB. Anything else gets a 4xx and one log line.

Codes and keys are compared in constant time. No route touches a file the
request names.
"""

from __future__ import annotations

import hmac
import json
import logging

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from katakit import statefiles
from katakit.catalog import Catalog
from katakit.workshop import page, payload
from katakit.workshop.send import CODE_HEADER
from katakit.workshop.store import MAX_PAIRS, Store

log = logging.getLogger("katakit.dashboard")
KEY_HEADER = "X-Facilitator-Key"
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class Refused(Exception):
    def __init__(self, status: int, why: str) -> None:
        super().__init__(why)
        self.status, self.why = status, why


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def create(catalog: Catalog, store: Store, *, code: str, key: str | None) -> Starlette:
    """The app for one workshop: ``code`` for learners, ``key`` (or None) for the facilitator."""
    kata_ids = frozenset(k.id for k in catalog.katas)

    def refuse(request: Request, status: int, why: str) -> Response:
        where = request.client.host if request.client else "?"
        log.warning("refused %s %s from %s: %s", request.method, request.url.path, where, why)
        return PlainTextResponse(why, status_code=status)

    def facilitator(request: Request) -> bool:
        given = request.query_params.get("key") or request.headers.get(KEY_HEADER)
        return key is None or _same(given, key)

    async def body(request: Request) -> dict:
        if not _same(request.headers.get(CODE_HEADER), code):
            raise Refused(403, "wrong workshop code")
        length = request.headers.get("content-length", "")
        if length and (not length.isdigit() or int(length) > payload.MAX_BODY):
            raise Refused(413, f"the body is over {payload.MAX_BODY} bytes")
        data = b""
        async for chunk in request.stream():
            data += chunk
            if len(data) > payload.MAX_BODY:
                raise Refused(413, f"the body is over {payload.MAX_BODY} bytes")
        try:
            value = json.loads(data.decode("utf-8"), parse_constant=statefiles.no_constants)
        except UnicodeDecodeError:
            raise Refused(400, "the body is not UTF-8") from None
        except (ValueError, RecursionError):
            raise Refused(400, "the body is not JSON") from None
        if not isinstance(value, dict):
            raise Refused(422, "the body is not a JSON object")
        return value

    async def report(request: Request) -> Response:
        try:
            data = payload.check(await body(request), kata_ids)
        except Refused as exc:
            return refuse(request, exc.status, exc.why)
        except ValueError as exc:
            return refuse(request, 422, str(exc))
        outcome = store.put(data)
        if outcome == "full":
            return refuse(request, 409, f"the workshop is full ({MAX_PAIRS} pairs)")
        if outcome == "new":
            log.warning("pair %r joined", data["name"])
        return JSONResponse({"kept": outcome})

    async def leave(request: Request) -> Response:
        try:
            data = await body(request)
        except Refused as exc:
            return refuse(request, exc.status, exc.why)
        client = data.get("client")
        if set(data) != {"client"} or not isinstance(client, str) or len(client) != 32:
            return refuse(request, 422, "the body is not {client}")
        return JSONResponse({"removed": store.remove(client)})

    async def grid(request: Request) -> Response:
        if not facilitator(request):
            return refuse(request, 403, "this page needs the facilitator's key (?key=...)")
        return HTMLResponse(page.render(catalog, store.pairs()), headers=_PAGE_HEADERS)

    async def pairs(request: Request) -> Response:
        if not facilitator(request):
            return refuse(request, 403, "this API needs the facilitator's key")
        katas = [{"id": k.id, "name": k.name, "title": k.title} for k in catalog.katas]
        return JSONResponse({"katas": katas, "pairs": store.pairs()}, headers=_PAGE_HEADERS)

    return Starlette(
        routes=[
            Route("/", grid),
            Route("/api/pairs", pairs),
            Route("/api/report", report, methods=["POST"]),
            Route("/api/leave", leave, methods=["POST"]),
        ]
    )
