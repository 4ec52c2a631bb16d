"""Every help page is Russian: headings, placeholders, defaults and marks, in every command and subcommand."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

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


@pytest.mark.parametrize(("name", "command"), PAGES, ids=[name for name, _ in PAGES])
def test_a_help_page_has_no_english_placeholders(name: str, command: click.Command) -> None:
    args = name.split()[1:] + ["--help"]
    result = subprocess.run([sys.executable, "-c", "import cli; cli.main()", *args], capture_output=True, text=True)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    page = result.stdout
    assert page.startswith("Использование: " + name)
    assert not ENGLISH.findall(page), (name, ENGLISH.findall(page), page)
    for param in command.params:
        if isinstance(param, click.Argument) and param.name:
            assert param.name.upper() not in page, (name, param.name, page)
    if command.params and any(isinstance(p, click.Option) and p.default not in (None, False) and p.show_default
                              for p in command.params):
        assert "по умолчанию:" in " ".join(page.split())


def test_usage_errors_are_russian_and_exit_2() -> None:
    result = subprocess.run([sys.executable, "-c", "import cli; cli.main()", "replan", "demo"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "Использование: profplan replan [ПАРАМЕТРЫ] ШКОЛА" in result.stderr
    assert "Ошибка: Не указан параметр '--closed'." in result.stderr
