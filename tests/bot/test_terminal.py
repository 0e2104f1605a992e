"""Replies in a terminal: Discord's escapes undone, bold as ANSI or `**`, quotes indented."""

from __future__ import annotations

import io

from bot.replies import escape_markdown, notice_reply, render_reply_text
from bot.terminal import BOLD, RESET, ansi_enabled, to_terminal


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_escapes_are_undone() -> None:
    """Every character the bot escapes for Discord comes back as typed."""
    raw = "# Heading | Key | x86_64 `code` *emph* ~x~ <tag> [link] 1. item \\ back"
    assert to_terminal(escape_markdown(raw), ansi=False) == raw


def test_bold_is_ansi_on_a_terminal_and_stars_elsewhere() -> None:
    """The quote's `**` markers become ANSI bold, or stay `**` when colour is off; escaped stars stay stars."""
    markdown = "> Before **the quote\\*s** after."
    assert to_terminal(markdown, ansi=True) == f"  Before {BOLD}the quote*s{RESET} after."
    assert to_terminal(markdown, ansi=False) == "  Before **the quote*s** after."


def test_bold_over_lines_is_closed() -> None:
    """Bold left open at the end (a cut passage) is reset, so the terminal isn't left bold."""
    assert to_terminal("**open", ansi=True).endswith(RESET)


def test_footer_and_quote_markers_are_plain() -> None:
    """`-#` small text and `>` quote lines lose their markers."""
    assert to_terminal("-# Question: why?\n>\n> text", ansi=False) == "Question: why?\n\n  text"


def test_mention_breaks_are_removed() -> None:
    """The zero-width space that keeps @everyone from pinging in Discord isn't shown in a terminal."""
    text = render_reply_text(notice_reply("Sorry", escape_markdown("ask @everyone")))
    assert "@everyone" in to_terminal(text, ansi=False)
    assert "\u200b" not in to_terminal(text, ansi=False)


def test_ansi_enabled_needs_a_terminal_and_no_no_color() -> None:
    """ANSI only on a TTY, and never with NO_COLOR set to something."""
    assert ansi_enabled(FakeTerminal(), environ={})
    assert not ansi_enabled(FakeTerminal(), environ={"NO_COLOR": "1"})
    assert ansi_enabled(FakeTerminal(), environ={"NO_COLOR": ""})
    assert not ansi_enabled(io.StringIO(), environ={})
