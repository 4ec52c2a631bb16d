"""One request of a logged-in person: its session, its viewer, its CSRF check, and how pages answer.

`page(*roles)` turns a handler of a `Visit` into a Starlette endpoint and
does, for every request and before the handler runs, what no page may
forget: find the session named by the signed cookie (or send the browser to
/login), refuse a role the page is not for (403), and refuse any request
that changes something without the session's CSRF token (403). Blocking
work (the store, templates) runs in Starlette's thread pool, so a slow
report never stalls other requests.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar
from urllib.parse import quote

from jinja2 import Environment
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from store.settings import Settings
from web.render import CSRF_FIELD, navigation, render
from web.roles import AccessDenied, Role, Viewer
from web.sessions import LIFETIME, LiveSession, add_flash, load_session
from web.signing import Signer

SESSION_COOKIE = "profplan_session"
SESSION_MAX_AGE = int(LIFETIME.total_seconds())
# The profile form sends 8 fields per class and about 5 per person and venue: some 1,600 for a 120-class
# school with its staff; the body itself is capped by MAX_REQUEST_BYTES.
MAX_FORM_FIELDS = 10_000
MAX_REQUEST_BYTES = 21 * 1024 * 1024  # a form with the largest upload web.imports takes (20 MB), and its fields

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class WebContext:
    """What every request of one app shares: the store, the deployment's settings, the signer of cookies, the
    templates."""

    engine: Engine
    settings: Settings
    signer: Signer
    templates: Environment


def web_context(request: Request) -> WebContext:
    context: WebContext = request.app.state.web
    return context


async def blocking(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run blocking work (the store, argon2, templates) in the thread pool."""
    return await run_in_threadpool(function, *args, **kwargs)


async def current_session(request: Request) -> LiveSession | None:
    """The valid session the request's signed cookie names, if any."""
    web = web_context(request)
    token = web.signer.unsign("session", request.cookies.get(SESSION_COOKIE))
    return await blocking(load_session, web.engine, token) if token else None


def secure(request: Request) -> bool:
    """Whether the browser reached us over HTTPS (directly, or through a proxy uvicorn trusts)."""
    return request.url.scheme == "https"


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int, path: str = "/") -> None:
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, samesite="lax", secure=secure(request))


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


async def render_page(request: Request, template: str, context: Mapping[str, Any], status_code: int = 200,
                      visit: Visit | None = None, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    """A whole page (or, for htmx, the same template: it swaps the part it asked for)."""
    web = web_context(request)
    values = {"request_path": request.url.path, "visit": visit, "nav": visit.nav if visit else [], **context}
    html = await blocking(render, web.templates, template, values)
    return HTMLResponse(html, status_code=status_code, headers=dict(headers or {}))


@dataclass(frozen=True)
class Visit:
    """One request of a logged-in person: what handlers get instead of a bare request."""

    request: Request
    web: WebContext
    session: LiveSession
    viewer: Viewer
    form: FormData | None

    @property
    def engine(self) -> Engine:
        return self.web.engine

    @property
    def settings(self) -> Settings:
        return self.web.settings

    @property
    def csrf_token(self) -> str:
        return self.session.csrf_token

    @property
    def nav(self) -> list[tuple[str, str]]:
        return navigation(self.viewer.role, self.viewer.school_id)

    def field(self, name: str) -> str:
        """A text field of the posted form, stripped ("" when absent)."""
        value = self.form.get(name) if self.form is not None else None
        return value.strip() if isinstance(value, str) else ""

    async def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        return await render_page(self.request, template, context, status_code, visit=self)

    async def redirect(self, path: str, flash: str | None = None) -> Response:
        """See other (303) after a change, with a message for the next page (htmx follows it and swaps its part)."""
        if flash:
            await blocking(add_flash, self.engine, self.session.id, flash)
        return RedirectResponse(path, status_code=303)


Handler = Callable[[Visit], Awaitable[Response]]


class TooLarge(Exception):
    """A request body over MAX_REQUEST_BYTES, refused (413) before it is read."""


def page(*roles: Role) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """The endpoint of a page for these roles (any logged-in role when none is named)."""
    def decorate(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            web = web_context(request)
            session = await current_session(request)
            if session is None:
                return _to_login(request)
            viewer = session.account.viewer()
            visit = Visit(request, web, session, viewer, None)
            request.state.visit = visit  # the error pages show the navigation of whoever was refused
            if roles:
                viewer.require(*roles)
            if request.method not in ("GET", "HEAD"):
                if int(request.headers.get("content-length") or 0) > MAX_REQUEST_BYTES:
                    raise TooLarge(f"Запрос больше {MAX_REQUEST_BYTES // (1024 * 1024)} МБ: файл слишком велик.")
                form = await request.form(max_fields=MAX_FORM_FIELDS)
                sent = form.get(CSRF_FIELD)
                if not isinstance(sent, str) or not hmac.compare_digest(sent, session.csrf_token):
                    raise AccessDenied("Форма устарела или отправлена не со страницы profplan (нет проверочного "
                                       "кода). Откройте страницу снова и повторите.")
                visit = Visit(request, web, session, viewer, form)
                request.state.visit = visit
            return await handler(visit)

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        return endpoint

    return decorate


def _to_login(request: Request) -> Response:
    """Anonymous (or expired): to the login page, coming back here afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = f"/login?next={quote(target, safe='')}" if request.method == "GET" and target != "/" else "/login"
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": location})
    response = RedirectResponse(location, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response

