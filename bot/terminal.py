"""Replies for a terminal: the text Discord would show, without its Markdown.

`quotebot ask` and `quotebot chat` build the very replies the bot sends (Markdown with
every special character of the documents escaped) and turn them into plain text here:
escapes dropped, `**bold**` as ANSI bold on a terminal (or left as `**` where colour is
off), block quotes indented, the small `-#` footer as an ordinary line. Pure: no discord.
"""

from __future__ import annotations

import os
from typing import TextIO

BOLD, RESET = "\x1b[1m", "\x1b[0m"
_ZERO_WIDTH_SPACE = "\u200b"


def ansi_enabled(stream: TextIO, environ: dict[str, str] | None = None) -> bool:
    """ANSI bold on a terminal, unless NO_COLOR is set (to anything but empty, as no-color.org says)."""
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def to_terminal(markdown: str, *, ansi: bool) -> str:
    """The Discord Markdown quotebot writes, as plain text for a terminal."""
    lines = []
    bold = False
    for line in markdown.split("\n"):
        if line.startswith("> "):
            line = "  " + line[2:]
        elif line == ">":
            line = ""
        elif line.startswith("-# "):
            line = line[3:]
        rendered, bold = _inline(line, bold, ansi)
        lines.append(rendered)
    text = "\n".join(lines)
    if ansi and bold:  # never leave the terminal bold
        text += RESET
    return text.replace("@" + _ZERO_WIDTH_SPACE, "@")


def _inline(line: str, bold: bool, ansi: bool) -> tuple[str, bool]:
    """One line with its escapes undone and its `**` markers rendered; returns whether bold is still on."""
    out: list[str] = []
    position = 0
    while position < len(line):
        char = line[position]
        if char == "\\" and position + 1 < len(line):
            out.append(line[position + 1])
            position += 2
            continue
        if line.startswith("**", position):
            bold = not bold
            out.append((BOLD if bold else RESET) if ansi else "**")
            position += 2
            continue
        out.append(char)
        position += 1
    return "".join(out), bold
