"""The web workspace as an ASGI app, and the one app `profplan serve` runs: the workspace beside the feeds.

`create_app` composes the feed server of `feeds.server.create_app`
untouched with the workspace: a request under /feeds/ goes to the feed
server as it is (no login, no cookie, no page headers — calendar clients
poll it by token), every other request to the workspace. One process, one
port, one store. Refusals and errors are Russian pages of their own status
(403, 404, 400, 500); every page carries headers that keep it out of
frames, out of shared caches and away from scripts of other origins.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from calendars.errors import ProfplanError
from feeds.server import create_app as create_feed_app
from store.settings import Settings
from web.http import TooLarge, WebContext, render_page
from web.render import environment
from web.roles import AccessDenied, NotFound
from web.routes import ROUTES
from web.signing import Signer, secret_key

FEEDS_PREFIX = "/feeds/"
PAGE_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


class FeedsAndPages:
    """Routes /feeds/… to the feed server and everything else to the workspace (lifespan events go to the workspace)."""

    def __init__(self, feeds: ASGIApp, pages: ASGIApp) -> None:
        self.feeds, self.pages = feeds, pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(FEEDS_PREFIX):
            await self.feeds(scope, receive, send)
        else:
            await self.pages(scope, receive, send)


class PageHeaders:
    """Adds `PAGE_HEADERS` to every answer, and `cache-control: no-store` to every one but the static files."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = dict(PAGE_HEADERS) if static else {**PAGE_HEADERS, "cache-control": "no-store"}
                headers += [(name.encode(), value.encode()) for name, value in extra.items() if name.encode() not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


async def _refused(request: Request, exc: Exception) -> Response:
    return await _error(request, 403, "Доступ запрещён", str(exc))


async def _not_found(request: Request, exc: Exception) -> Response:
    message = str(exc) if isinstance(exc, NotFound) else "Такой страницы нет. Проверьте адрес или начните с главной."
    return await _error(request, 404, "Не найдено", message)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return await _not_found(request, exc)
    if exc.status_code == 405:
        return await _error(request, 405, "Так нельзя", "Эта страница не принимает такой запрос.")
    return await _error(request, exc.status_code, "Ошибка запроса", "Запрос не удалось обработать.")


async def _too_large(request: Request, exc: Exception) -> Response:
    return await _error(request, 413, "Слишком большой запрос", str(exc))


async def _user_error(request: Request, exc: Exception) -> Response:
    return await _error(request, 400, "Ошибка в запросе", str(exc))


async def _crash(request: Request, exc: Exception) -> Response:
    return await _error(request, 500, "Внутренняя ошибка",
                        "Что-то пошло не так на сервере; подробности записаны в журнал сервера. Повторите позже.")


async def _error(request: Request, status_code: int, title: str, message: str) -> Response:
    visit = getattr(request.state, "visit", None)
    return await render_page(request, "error.html", {"title": title, "message": message}, status_code, visit=visit)


def create_web_app(engine: Engine, settings: Settings) -> Starlette:
    """The workspace alone (pages and static files) over one store."""
    app = Starlette(
        routes=ROUTES,
        middleware=[Middleware(PageHeaders)],
        exception_handlers={
            AccessDenied: _refused, NotFound: _not_found, TooLarge: _too_large, ProfplanError: _user_error,
            HTTPException: _http_error,
            Exception: _crash,
        },
    )
    app.state.web = WebContext(engine, settings, Signer(secret_key(engine, settings)), environment())
    return app


def create_app(engine: Engine, settings: Settings, feeds: ASGIApp | None = None) -> ASGIApp:
    """What `profplan serve` runs: the feed server (the given one, else `feeds.server.create_app`) and the workspace."""
    return FeedsAndPages(feeds if feeds is not None else create_feed_app(engine), create_web_app(engine, settings))
