"""`profplan serve`: the web workspace and the calendar feeds, one HTTP server."""

from __future__ import annotations

import click

from commands.base import Context, err, pass_context


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Адрес, на котором слушает сервер.")
@click.option("--port", default=8080, show_default=True, type=int, help="Порт.")
@click.option("--workers", default=1, show_default=True, type=int, help="Число процессов сервера.")
@pass_context
def serve_command(context: Context, host: str, port: int, workers: int) -> None:
    """Рабочее место в браузере (вход: profplan user add) и календари /feeds/<токен>.ics."""
    from web.server import serve

    err.print(f"Рабочее место: http://{host}:{port}/", soft_wrap=True)
    err.print(f"Календари: http://{host}:{port}/feeds/<токен>.ics (Ctrl+C — остановить)", soft_wrap=True)
    serve(context.settings, host=host, port=port, workers=workers)
