"""The preview's web routes (Starlette): the views, their assets, the status and the events.

Everything served comes from memory (the rendered views, the course's media as loaded,
templates/preview/) or from the private folder of a requested build, looked up by exact name:
a path that is not one of those (``..``, ``%2e%2e``, an absolute path, a symlink out of the
course) is simply not found. Directories are never listed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

from markupsafe import Markup
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from ..scorm.manifest import layout
from ..shared.templating import asset, render
from .jobs import Jobs
from .state import PreviewState
from .views import Views, live_tag, media_type

ASSETS = {"live.js", "preview.css", "build.js", "inspector.js", "moodle-rules.json",
          "scorm12.min.js", "scorm2004.min.js"}
"""The files of templates/preview/ a page may load (under /_coursepack/)."""
VERSIONS = ("1.2", "2004")
NO_STORE = {"Cache-Control": "no-store"}
LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]
EVENT_POLL = 0.1
"""Seconds between two looks at the generation by each open event stream."""


def script_json(data: object) -> Markup:
    """JSON safe inside ``<script type="application/json">``."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def not_found() -> Response:
    return Response("Not found", status_code=404, media_type="text/plain")


def create_app(state: PreviewState, jobs: Jobs, loopback: bool = True) -> Starlette:
    stopping = asyncio.Event()

    def page(template: str, **context: object) -> Response:
        views = state.views
        html = render(f"preview/{template}", state=state, status=state.status(), course=views.course if views else None,
                      live=Markup(live_tag(views.generation if views else 0)), **context)
        return Response(html, media_type="text/html; charset=utf-8", headers=NO_STORE)

    def serve_file(files: dict, path: str) -> Response:
        if path not in files:
            return not_found()
        data, kind = files[path]
        return Response(data, media_type=kind, headers=NO_STORE)

    def current() -> Views | None:
        return state.views

    async def home(request: Request) -> Response:
        return page("home.html.jinja")

    async def book_index(request: Request) -> Response:
        return RedirectResponse("/book/nav.xhtml") if current() else page("waiting.html.jinja", view="book")

    async def book(request: Request) -> Response:
        views = current()
        return serve_file(views.book, request.path_params["path"]) if views else not_found()

    async def print_index(request: Request) -> Response:
        return page("print.html.jinja") if current() else page("waiting.html.jinja", view="print")

    async def print_file(request: Request) -> Response:
        views = current()
        return serve_file(views.print, request.path_params["path"]) if views else not_found()

    async def scorm_host(request: Request) -> Response:
        views = current()
        if views is None:
            return page("waiting.html.jinja", view="scorm")
        version = request.query_params.get("version", views.course.scorm.version)
        if version not in VERSIONS:
            return not_found()
        scos = layout(views.course)
        href = request.query_params.get("sco", scos[0].href)
        if href not in {sco.href for sco in scos}:
            return not_found()
        course = views.course
        config = {"version": version, "sco": href, "scoUrl": f"/scorm/{version}/{href}", "course": course.id,
                  "title": next(sco.title for sco in scos if sco.href == href),
                  "passingScore": course.assessment.passing_score}
        rules = json.loads(asset("preview/moodle-rules.json"))
        return page("scorm.html.jinja", version=version, scos=scos, sco=href, versions=VERSIONS,
                    rules=script_json(rules), config=script_json(config))

    async def scorm_file(request: Request) -> Response:
        views, version = current(), request.path_params["version"]
        if views is None or version not in VERSIONS:
            return not_found()
        return serve_file(views.scorm(version), request.path_params["path"])

    async def preview_asset(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            return not_found()
        return Response(asset(f"preview/{name}"), media_type=media_type(name), headers=NO_STORE)

    async def status(request: Request) -> Response:
        return JSONResponse(state.status(), headers=NO_STORE)

    async def events(request: Request) -> Response:
        async def stream() -> AsyncIterator[str]:
            seen = -1
            yield "retry: 500\n\n"
            while not stopping.is_set() and not await request.is_disconnected():
                if state.snapshot.generation != seen:
                    body = state.status()
                    seen = body["generation"]
                    yield f"event: status\ndata: {json.dumps(body)}\n\n"
                try:
                    await asyncio.wait_for(stopping.wait(), EVENT_POLL)
                except TimeoutError:
                    pass

        return StreamingResponse(stream(), media_type="text/event-stream", headers=NO_STORE)

    async def build(request: Request) -> Response:
        if request.method == "POST":
            formats = request.query_params.get("formats", "all")
            try:
                return JSONResponse(jobs.start(formats), headers=NO_STORE)
            except ValueError:
                return JSONResponse({"error": f"unknown formats {formats!r}"}, status_code=400)
        return JSONResponse(jobs.status(), headers=NO_STORE)

    async def built_file(request: Request) -> Response:
        path = jobs.file(request.path_params["name"])
        return FileResponse(path, media_type=media_type(path.name)) if path else not_found()

    routes = [
        Route("/", home),
        Route("/book/", book_index),
        Route("/book/{path:path}", book),
        Route("/print/", print_index),
        Route("/print/{path:path}", print_file),
        Route("/scorm/", scorm_host),
        Route("/scorm/{version}/{path:path}", scorm_file),
        Route("/_coursepack/status", status),
        Route("/_coursepack/events", events),
        Route("/_coursepack/build", build, methods=["GET", "POST"]),
        Route("/_coursepack/files/{name}", built_file),
        Route("/_coursepack/{name}", preview_asset),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=LOOPBACK_NAMES)] if loopback else []
    app = Starlette(routes=routes, middleware=middleware)
    app.state.stop_events = stopping.set
    return app
