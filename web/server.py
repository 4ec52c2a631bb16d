"""Running the workspace and the feeds on uvicorn: `profplan serve`.

One process serves the composed app object itself. Several processes are
spawned by uvicorn from an import string, so each rebuilds the app from the
settings its parent put in the environment (the one channel uvicorn leaves
to a factory); they share everything through the store, the signing key
included (generated and stored once, before the workers start). Uvicorn's
logs go through the feed server's filter, which cuts feed tokens short.
"""

from __future__ import annotations

import os
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from feeds.server import log_config
from store.db import open_store
from store.settings import Settings
from web.app import create_app
from web.signing import secret_key


def app_from_environment() -> ASGIApp:
    """The app for uvicorn's factory mode, in each worker process."""
    settings = Settings.from_environment()
    return create_app(open_store(settings.database_url), settings)


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8080, workers: int = 1) -> None:
    """Serve until interrupted; `workers` > 1 starts that many processes on one port."""
    engine = open_store(settings.database_url)  # migrate once, before workers start, and fail early
    secret_key(engine, settings)
    options: dict[str, Any] = {"host": host, "port": port, "log_config": log_config(), "server_header": False}
    if workers == 1:
        uvicorn.run(create_app(engine, settings), **options)
        return
    os.environ.update(settings.environment())
    uvicorn.run("web.server:app_from_environment", factory=True, workers=workers, **options)
