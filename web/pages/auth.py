"""/login and /logout.

The login form is protected against cross-site submission like every
other form, before any session exists: the page sets a random nonce in a
cookie of its own and puts the nonce's signature in the form, and the
POST must bring both. Failed logins are counted per account and per
address in the database (`web.throttle`); while either must wait the form
answers 429 without looking at the password.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from web.accounts import authenticate, normalise_login
from web.http import (
    SESSION_COOKIE,
    SESSION_MAX_AGE,
    Visit,
    blocking,
    current_session,
    page,
    render_page,
    set_cookie,
    web_context,
)
from web.render import CSRF_FIELD
from web.sessions import close_session, open_session
from web.throttle import record_failure, record_success, throttle_keys, wait_left

LOGIN_COOKIE = "profplan_login"
_LOGIN_PURPOSE = "login-form"


async def login_form(request: Request) -> Response:
    """The login page; a person already logged in goes on to their page."""
    session = await current_session(request)
    if session is not None:
        return RedirectResponse(_next(request.query_params.get("next"), session.account.viewer().home), status_code=303)
    notice = "Вы вышли из profplan." if request.query_params.get("out") else None
    return await _form(request, notice=notice)


async def login(request: Request) -> Response:
    web = web_context(request)
    form = await request.form(max_fields=10)
    login_name, password, target = (str(form.get(name) or "") for name in ("login", "password", "next"))
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    if not nonce or not web.signer.matches(_LOGIN_PURPOSE, nonce, str(form.get(CSRF_FIELD) or "")):
        return await _form(request, status_code=403, target=target, login_name=login_name,
                           error="Форма входа устарела. Введите имя и пароль ещё раз.")
    keys = throttle_keys(normalise_login(login_name), request.client.host if request.client else None)
    wait = await blocking(wait_left, web.engine, keys)
    if wait is not None:
        return await _too_many(request, wait)
    user = await blocking(authenticate, web.engine, login_name, password)
    if user is None:
        locked = await blocking(record_failure, web.engine, keys)
        if locked is not None:
            return await _too_many(request, locked)
        return await _form(request, status_code=401, target=target, login_name=login_name,
                           error="Неверное имя пользователя или пароль (или учётная запись отключена).")
    await blocking(record_success, web.engine, keys[:1])
    token = await blocking(open_session, web.engine, user)
    response = RedirectResponse(_next(target, user.viewer().home), status_code=303)
    set_cookie(response, request, SESSION_COOKIE, web.signer.sign("session", token), SESSION_MAX_AGE)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@page()
async def logout(visit: Visit) -> Response:
    await blocking(close_session, visit.engine, visit.session.id)
    response = RedirectResponse("/login?out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def _form(request: Request, status_code: int = 200, target: str | None = None, login_name: str = "",
                error: str | None = None, notice: str | None = None) -> Response:
    """The form with a fresh nonce: its cookie and its signature in the form."""
    signer = web_context(request).signer
    nonce = secrets.token_urlsafe(24)
    response = await render_page(request, "login.html", {
        "error": error, "notice": notice, "login_name": login_name, "login_token": signer.mac(_LOGIN_PURPOSE, nonce),
        "target": target if target is not None else request.query_params.get("next", ""),
    }, status_code)
    set_cookie(response, request, LOGIN_COOKIE, nonce, max_age=3600, path="/login")
    return response


async def _too_many(request: Request, wait: timedelta) -> Response:
    seconds = max(1, int(wait.total_seconds() + 0.999))
    return await render_page(request, "too_many.html", {"seconds": seconds}, 429, headers={"Retry-After": str(seconds)})


def _next(target: str | None, default: str) -> str:
    """Where to go after logging in: a path of this site only (never another host), else the role's page."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
