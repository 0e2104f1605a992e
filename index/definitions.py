"""Definition questions: "what is X?" and "what does X do?" are answered where the documents introduce X.

Documentation says what a thing is once, at the top of the page or section
that X names: npm's `npm-prune` page opens its Description with "This command
removes "extraneous" packages", and MkDocs' `edit_uri_template` section with
"The more flexible variant of edit_uri". The sentences that repeat X's name
are elsewhere (flags, examples, "see also"), so ranking by the question's
words quotes them instead. A definition question is answered by the first
sentence of the section a heading names: its words are the subject's, save a
kind word ("the `bin` field", "the `fund` option").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_DEFINITION = re.compile(
    r"""^\s*(?:what(?:'s|’s|s|\s+is|\s+are|\s+does|\s+do)|define|explain)\b
        \s*(?P<subject>.+?)
        (?:\s+(?:do|does|mean|means|stand\s+for|used\s+for|for))?
        \s*[?.!]*\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# More words than this is a question about X, not what X is ("what does gh-deploy do under the hood?").
MAX_SUBJECT_WORDS = 4
# Punctuation that joins a name's parts: "npm-ci", "package-lock.json", "edit_uri", "`fund`".
_NAME_JOINERS = re.compile(r"[-_./`'\"]+")

KIND_WORDS = frozenset(
    """
    option options setting settings field fields flag flags command commands key keys variable variables
    parameter parameters argument arguments property properties directive attribute function method
    """.split()
)
"""What a subject may add to the heading that names it: "the `bin` field" is the section `bin`."""

LEAD_HEADINGS = frozenset({"description", "overview", "introduction", "about", "summary", "what is it"})
"""Sections that introduce their page, read when the page's heading has no sentence of its own."""

Tokenize = Callable[[str], Sequence[str]]


def definition_subject(question: str) -> str | None:
    """What a definition question asks about ("npm prune" for "what does npm prune do?"), else None."""
    match = _DEFINITION.match(question)
    if match is None:
        return None
    subject = match.group("subject").strip()
    return subject if 0 < len(subject.split()) <= MAX_SUBJECT_WORDS else None


def name_terms(name: str, tokenize: Tokenize) -> frozenset[str]:
    """The terms of a name with its joining punctuation as spaces: "npm-ci" and "npm ci" are one name."""
    return frozenset(tokenize(_NAME_JOINERS.sub(" ", name)))


def names_subject(heading: str, subject: frozenset[str], kinds: frozenset[str], tokenize: Tokenize) -> bool:
    """Whether `heading` names the subject: its terms are the subject's, save the subject's `kinds` terms."""
    heading_terms = name_terms(heading, tokenize)
    return bool(heading_terms) and heading_terms <= subject and subject - heading_terms <= kinds


# "NEW: New in version 1.4.", "Note: This command is unaware of workspaces.": an aside, not what X is.
_ASIDE = re.compile(r"^[\W_]*[^\W\d_]+[\W_]*:")


def is_aside(sentence: str) -> bool:
    """Whether a sentence is an aside that opens with a one-word label ("Note:", "**NEW**:")."""
    return _ASIDE.match(sentence) is not None


def is_lead_heading(heading: str) -> bool:
    """Whether a heading opens a page's introduction ("Description", "Overview")."""
    return " ".join(heading.casefold().split()) in LEAD_HEADINGS
