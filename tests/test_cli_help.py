"""Every help page is Russian: headings, placeholders, defaults and marks, in every command and subcommand."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import click
import pytest

import cli

ENGLISH = re.compile(r"\b(TEXT|FLOAT|INTEGER|PATH|FILENAME|DIRECTORY|BOOLEAN|OPTIONS|COMMAND|ARGS|Usage|Options|Commands"
                     r"|required|default|env var)\b")


def _pages(command: click.Command, path: list[str]) -> Iterator[tuple[str, click.Command]]:
    yield " ".join(path), command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _pages(sub, [*path, name])


PAGES = list(_pages(cli.cli, ["profplan"]))
# One fresh interpreter renders every page through the entry point's own setup (the Russian catalogue bound).
RENDER = """
import contextlib, io, json, sys
import cli
cli.use_russian_click_messages()
pages = {}
for name in json.loads(sys.argv[1]):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = cli.cli.main([*name.split()[1:], "--help"], prog_name="profplan", standalone_mode=False)
    pages[name] = (code, buffer.getvalue())
print(json.dumps(pages))
"""


@pytest.fixture(scope="module")
def rendered() -> dict[str, list[Any]]:
    names = json.dumps([name for name, _ in PAGES])
    result = subprocess.run([sys.executable, "-c", RENDER, names], capture_output=True, text=True, check=True)
    assert result.stderr == ""
    return json.loads(result.stdout)


@pytest.mark.parametrize(("name", "command"), PAGES, ids=[name for name, _ in PAGES])
def test_a_help_page_has_no_english_placeholders(rendered: dict[str, list[Any]], name: str, command: click.Command) -> None:
    code, page = rendered[name]
    assert code == 0
    assert page.startswith("Использование: " + name)
    assert not ENGLISH.findall(page), (name, ENGLISH.findall(page), page)
    for param in command.params:
        if isinstance(param, click.Argument) and param.name:
            assert param.name.upper() not in page, (name, param.name, page)
    if any(isinstance(p, click.Option) and p.default not in (None, False) and p.show_default for p in command.params):
        assert "по умолчанию:" in " ".join(page.split())


def test_usage_errors_are_russian_and_exit_2() -> None:
    result = subprocess.run([sys.executable, "-c", "import cli; cli.main()", "user", "add", "petrova"], capture_output=True,
                            text=True)
    assert result.returncode == 2
    assert "Использование: profplan user add [ПАРАМЕТРЫ] ЛОГИН" in result.stderr
    assert "Ошибка: Не указан параметр '--role'." in result.stderr  # click's own message, translated
    result = subprocess.run([sys.executable, "-c", "import cli; cli.main()", "replan", "demo"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "Использование: profplan replan [ПАРАМЕТРЫ] ШКОЛА" in result.stderr
    assert "Ошибка: Укажите --closed С:ПО или --reopen С:ПО." in result.stderr
