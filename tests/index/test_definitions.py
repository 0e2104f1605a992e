"""Definition questions: "what does X do?" is answered by the first sentence under the heading that names X."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.definitions import (
    NamedQuestion,
    definition_subject,
    is_aside,
    is_lead_heading,
    name_terms,
    named_question,
    names_subject,
    searched_text,
)
from index.passage_index import Analyzer, PassageIndex, build_index
from index.sentences import SentenceSplitter
from index.tokens import Tokenizer

TOKENIZER = Tokenizer("builtin")
KINDS = name_terms("option field flag command", TOKENIZER.tokenize)

SAIL_PAGE = """---
title: ferry-sail
---

### Synopsis

```bash
ferry sail <route>
```

Run it from the wheelhouse of a moored boat.

### Description

This command casts off the ferry and steers it along a route.
Each crossing is logged in the harbour book.

If the `--json` flag is used, the crossings that `ferry sail` made are printed as JSON.

### Configuration

Each option may also be set in the ferry's config file.

#### `harbour`

NEW: **New in version 2.**

The quay the boat leaves from, named as the port authority names it.
With `ferry sail`, the harbour may also be given on the command line.
"""


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("what does npm prune do?", "npm prune"),
        ("what is npm ci?", "npm ci"),
        ("What's the `bin` field?", "the `bin` field"),
        ("whats npx", "npx"),
        ("what is package-lock.json for?", "package-lock.json"),
        ("What does edit_uri_template mean?", "edit_uri_template"),
        ("define scope", "scope"),
        ("how does npm ci work?", "npm ci"),
        ("How do workspaces work", "workspaces"),
        ("tell me about npm audit", "npm audit"),
    ],
)
def test_a_definition_question_names_its_subject(question: str, subject: str) -> None:
    assert definition_subject(question) == subject


@pytest.mark.parametrize(
    "question",
    [
        "what does gh-deploy actually do under the hood?",  # a question about X, not what X is
        "how do I prune extraneous packages?",
        "what?",
        "whatever is this plugin for?",
        "who is the harbour master?",
        "what do I need?",  # about the asker
        "how does it work?",  # about something said before
        "how do I make it work?",
    ],
)
def test_other_questions_have_no_subject(question: str) -> None:
    assert definition_subject(question) is None


@pytest.mark.parametrize(
    ("question", "searched"),
    [
        ("how does npm ci work?", "npm ci"),
        ("Tell me about npm audit.", "npm audit"),
        # "meaning" and "stands for" are often next to the answer: these keep their words.
        ("What does Yeke Mongghul Ulus mean?", "What does Yeke Mongghul Ulus mean?"),
        ("what does vBNS stand for", "what does vBNS stand for"),
        ("how do I make it work?", "how do I make it work?"),
    ],
)
def test_an_overview_question_searches_for_its_subject_alone(question: str, searched: str) -> None:
    assert searched_text(question) == searched


@pytest.mark.parametrize(
    ("heading", "subject", "named"),
    [
        ("npm-prune", "npm prune", True),
        ("`bin`", "the bin field", True),  # a kind word the heading lacks
        ("package-lock.json", "package-lock.json", True),
        ("Workspaces", "workspaces", True),
        ("package-lock", "package-lock.json", False),  # "json" is no kind word
        ("Config Settings", "config", False),  # the heading says more than the subject
        ("Description", "npm prune", False),
        ("fs.readFile(path[, options], callback)", "fs.readFile", True),  # a signature names its function
        ("`buf.toString([encoding[, start[, end]]])`", "buf.toString", True),
        ("new URL(input[, base])", "new URL", True),
        ("Installation (Linux)", "installation", False),  # a space before "(": a remark, no signature
    ],
)
def test_a_heading_names_a_subject_with_its_own_words(heading: str, subject: str, named: bool) -> None:
    subject_terms = name_terms(subject, TOKENIZER.tokenize)
    assert names_subject(heading, subject_terms, KINDS, TOKENIZER.tokenize) is named


@pytest.mark.parametrize(
    ("sentence", "aside"),
    [
        ("Note: This command is unaware of workspaces.", True),
        ("NEW: **New in version 1.4.", True),
        ("**Warning**: the cache is shared.", True),
        ("See [`npm cache`](/commands/npm-cache).", True),
        ("This command removes extraneous packages.", False),
        ("Seed packages are installed first.", False),
        ("The default port: 8000.", False),
    ],
)
def test_an_aside_opens_with_a_one_word_label(sentence: str, aside: bool) -> None:
    assert is_aside(sentence) is aside


def test_lead_headings_are_a_pages_introduction() -> None:
    assert is_lead_heading("Description") and is_lead_heading(" overview ")
    assert not is_lead_heading("Configuration")


def _index(folder: Path) -> PassageIndex:
    return build_index(folder, analyzer=Analyzer(Tokenizer("builtin"), SentenceSplitter("builtin")))


def _section_and_quote(folder: Path, pages: dict[str, str], question: str) -> tuple[str, str]:
    """The top answer's section and quote, `pages` (file name: Markdown) written into `folder` first."""
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")
    top = _index(folder).ask(question).passages[0]
    return top.section, top.quote


@pytest.mark.parametrize(
    "question", ["what does ferry sail do?", "how does ferry sail work?", "tell me about ferry sail"]
)
def test_what_a_command_does_is_the_first_sentence_of_its_description(tmp_path: Path, question: str) -> None:
    """Not the Synopsis's sentence, nor the flag's, which repeats the command's name."""
    assert _section_and_quote(tmp_path, {"ferry-sail.md": SAIL_PAGE}, question) == (
        "ferry-sail › Description",
        "This command casts off the ferry and steers it along a route.",
    )


def test_an_option_is_defined_by_its_first_sentence_that_is_no_aside(tmp_path: Path) -> None:
    assert _section_and_quote(tmp_path, {"ferry-sail.md": SAIL_PAGE}, "what is the harbour option?") == (
        "ferry-sail › Configuration › harbour",
        "The quay the boat leaves from, named as the port authority names it.",
    )


def test_a_page_named_for_the_subject_answers_though_others_rank_higher(tmp_path: Path) -> None:
    """Forty pages that say "timetables" more often don't hide the page about timetables."""
    for number in range(40):
        (tmp_path / f"route{number}.md").write_text(
            f"# Route {number}\n\nTimetables, timetables: route {number} keeps two timetables.\n", encoding="utf-8"
        )
    (tmp_path / "timetables.md").write_text(
        "# Timetables\n\nA list of the hours each boat leaves the quay, printed every spring.\n\n"
        "## Printing\n\nThe office prints them on yellow paper.\n",
        encoding="utf-8",
    )
    index = _index(tmp_path)
    assert index.ask("which timetables are there?").passages[0].passage.doc_id != "timetables.md"
    answer = index.ask("what are timetables?")
    assert answer.passages[0].passage.doc_id == "timetables.md"
    assert answer.passages[0].quote == "A list of the hours each boat leaves the quay, printed every spring."


def test_a_subject_no_heading_names_is_quoted_as_any_question(tmp_path: Path) -> None:
    (tmp_path / "ferry-sail.md").write_text(SAIL_PAGE, encoding="utf-8")
    index = _index(tmp_path)
    # "harbour book" is named by no heading: the sentence holding it is the quote, as for any other question.
    answer = index.ask("what is the harbour book?")
    assert answer.passages[0].quote == "Each crossing is logged in the harbour book."


def test_a_section_deep_in_a_long_page_is_found(tmp_path: Path) -> None:
    sections = "".join(
        f"## Dial {number}\n\nIt sets how fast engine number {number} runs.\n\n"
        f"Turn dial {number} slowly: dial {number} is stiff.\n\n"
        for number in range(1, 301)
    )
    page = f"# Dials\n\nThe wheelhouse has three hundred dials.\n\n{sections}"
    assert _section_and_quote(tmp_path, {"dials.md": page}, "what does dial 257 do?") == (
        "Dials › Dial 257",
        "It sets how fast engine number 257 runs.",
    )


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("what's the default for strict?", NamedQuestion("strict", "default")),
        ("what is site_dir's default value?", NamedQuestion("site_dir", "default")),
        ("is ignore-scripts on by default?", NamedQuestion("ignore-scripts", "default")),
        ("what does audit default to?", NamedQuestion("audit", "default")),
        ("default value of save-exact", NamedQuestion("save-exact", "default")),
        ("what is the default encoding for fs.readFile?", NamedQuestion("fs.readFile", "default", "encoding")),
        ("what's the default port of the inspector?", NamedQuestion("the inspector", "default", "port")),
        ("the default speed in boat.moor", NamedQuestion("boat.moor", "default", "speed")),
        ("what does fs.readFileSync return?", NamedQuestion("fs.readFileSync", "return")),
        ("what type does buf.toString return", NamedQuestion("buf.toString", "return")),
        ("what's the return value of path.parse?", NamedQuestion("path.parse", "return")),
        ("what is returned by boat.moor?", NamedQuestion("boat.moor", "return")),
        ("what does it return?", None),
        ("what does npm prune do?", NamedQuestion("npm prune", "definition")),
        ("what is the default registry?", NamedQuestion("the default registry", "definition")),
        ("dark mode default theme?", None),
        ("what is my default?", None),
    ],
)
def test_a_question_about_a_named_thing_says_what_it_wants(question: str, asked: NamedQuestion | None) -> None:
    assert named_question(question) == asked


CONFIG_PAGE = """# Config

## Settings

### `tide`

* Default: high
* Type: String

The tide the ferry waits for. Every crossing starts at the default tide unless the captain names another.

### `horn`

* Default: true
* Type: Boolean

Whether the ferry sounds its horn as it leaves the quay.
"""


@pytest.mark.parametrize(
    "question", ["what's the default for tide?", "what does tide default to?", "tide's default value?"]
)
def test_a_settings_default_is_quoted_from_its_section(tmp_path: Path, question: str) -> None:
    """Not the sentence that says "default tide", though it holds both of the question's words."""
    assert _section_and_quote(tmp_path, {"config.md": CONFIG_PAGE}, question) == (
        "Config › Settings › tide",
        "Default: high",
    )


def test_a_section_named_for_the_subject_answers_though_others_rank_higher(tmp_path: Path) -> None:
    """As a page does: forty pages that say "tide" more often don't hide the setting's own section."""
    pages = {
        f"route{number}.md": f"# Route {number}\n\nTide, tide: route {number} sails on the tide, by default "
        "at high tide.\n"
        for number in range(40)
    }
    assert _section_and_quote(tmp_path, pages | {"config.md": CONFIG_PAGE}, "what's the default for tide?") == (
        "Config › Settings › tide",
        "Default: high",
    )


def test_a_definition_that_leads_into_a_list_is_quoted_with_it(tmp_path: Path) -> None:
    page = (
        "# ferry-moor\n\n## Description\n\nThis command does the following:\n\n"
        "1. Ties the ferry to the quay\n2. Lowers the gangway\n\nIt is useful after a crossing.\n"
    )
    section, quote = _section_and_quote(tmp_path, {"ferry-moor.md": page}, "what does ferry moor do?")
    assert section == "ferry-moor › Description"
    assert quote == "This command does the following:\n\n1. Ties the ferry to the quay\n2. Lowers the gangway"


API_PAGE = """# Boat

## Class: Boat

### `boat.moor(quay[, options])`

<!-- YAML
added: v1.2.0
-->

* `quay` {string} The quay to moor at, as the harbour master names it. **Default:** `'north'`.
* `options` {Object}
  * `speed` {integer} How fast to come alongside, in knots. **Default:** `2`.
  * `speeds` {integer[]} The speeds to try in turn. **Default:** `[2, 1]`.
  * `onTied` {Function} A function that returns nothing, called once the boat is tied up.
* Returns: {boolean} Whether the boat is tied up.

Ties the boat up at a quay until it sails again.

### `boat.moored`

* {boolean}

Whether `boat.moor()` tied the boat up: after `boat.moor()`, and until the boat sails, a boat is moored.
"""


def test_a_signature_heading_answers_what_its_function_does(tmp_path: Path) -> None:
    """Not a parameter's list item, and not the section of a name that only stems alike ("moored")."""
    assert _section_and_quote(tmp_path, {"boat.md": API_PAGE}, "what does boat.moor do?") == (
        "Boat › Class: Boat › boat.moor(quay[, options])",
        "Ties the boat up at a quay until it sails again.",
    )


@pytest.mark.parametrize(
    ("question", "quote"),
    [
        (
            "what is the default speed for boat.moor?",
            "`speed` {integer} How fast to come alongside, in knots. **Default:** `2`.",
        ),
        (
            "what's the default quay for boat.moor?",
            "`quay` {string} The quay to moor at, as the harbour master names it. **Default:** `'north'`.",
        ),
        (
            "what is the default for boat.moor?",
            "`quay` {string} The quay to moor at, as the harbour master names it. **Default:** `'north'`.",
        ),
    ],
)
def test_a_parameters_default_is_quoted_from_its_functions_section(tmp_path: Path, question: str, quote: str) -> None:
    """The first default the section states that names the parameter: not another parameter's, nor "speeds", nor
    one of a page that says "default speed" more often."""
    speeds = (
        "# Sailing\n\n## `boat.sail([options])`\n\n* `options` {Object}\n"
        "  * `speed` {integer} The default speed, the default speed of a boat that sails. **Default:** `8`.\n"
        "  * `quay` {string} The default quay a boat sails for is the default quay. **Default:** `'south'`.\n\n"
        "The default speed and the default quay are defaults for boat.moor too, by default.\n"
    )
    assert _section_and_quote(tmp_path, {"boat.md": API_PAGE, "sailing.md": speeds}, question) == (
        "Boat › Class: Boat › boat.moor(quay[, options])",
        quote,
    )


@pytest.mark.parametrize(
    "question",
    ["what does boat.moor return?", "what's the return value of boat.moor?", "what is returned by boat.moor?"],
)
def test_what_a_function_returns_is_quoted_from_its_section(tmp_path: Path, question: str) -> None:
    """Its "Returns:" line: not a parameter's "a function that returns", nor another page's many "returns"."""
    other = "# Quays\n\nA quay returns boats. It returns what the boat returns when it moors: it returns.\n"
    assert _section_and_quote(tmp_path, {"boat.md": API_PAGE, "quays.md": other}, question) == (
        "Boat › Class: Boat › boat.moor(quay[, options])",
        "Returns: {boolean} Whether the boat is tied up.",
    )
