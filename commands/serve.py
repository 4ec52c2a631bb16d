"""`profplan serve`: the HTTP server."""

from __future__ import annotations

import click

from commands.base import Context, err, pass_context


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Адрес, на котором слушает сервер.")
@click.option("--port", default=8080, show_default=True, type=int, help="Порт.")
@click.option("--workers", default=1, show_default=True, type=int, help="Число процессов сервера.")
@pass_context
def serve_command(context: Context, host: str, port: int, workers: int) -> None:
    """HTTP-сервер календарей: /feeds/<токен>.ics."""
    from feeds.server import serve

    err.print(f"Сервер календарей: http://{host}:{port}/feeds/<токен>.ics (Ctrl+C — остановить)")
    serve(context.settings, host=host, port=port, workers=workers)
