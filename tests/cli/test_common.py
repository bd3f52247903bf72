"""What the CLI prints is the data, exactly: no emoji codes, no markup taken from data."""

from __future__ import annotations

import pytest
import typer

from enduse.cli.common import emit, fail, out, print_rows

TRICKY = "EUC1:6BF:A:+/:thumbs_up: [bold]x[/] %$"


def test_emit_writes_values_exactly(capsys):
    emit(TRICKY)
    assert capsys.readouterr().out == TRICKY + "\n"


def test_the_console_never_turns_codes_into_emoji(capsys):
    out.print(TRICKY, markup=False)
    assert capsys.readouterr().out == TRICKY + "\n"


def test_errors_show_brackets_in_messages_as_they_are(capsys):
    with pytest.raises(typer.Exit) as info:
        raise fail("signer may sign ['DVC'], not [EUC]")
    assert info.value.exit_code == 1
    assert "signer may sign ['DVC'], not [EUC]" in capsys.readouterr().err


def test_rows_are_tab_separated_when_piped(capsys):
    print_rows(["a", "b"], [["[bold]x[/]", "y:A:"]])
    assert capsys.readouterr().out == "a\tb\nx\ty:A:\n"
