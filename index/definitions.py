"""Definition questions ("what is X?", "what does X do?", "how does X work?") are answered where the documents
introduce X.

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

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from index.markdown import QUOTABLE

_DEFINITION = re.compile(
    r"""^\s*(?:what(?:'s|’s|s|\s+is|\s+are|\s+does|\s+do)|define|explain)\b
        \s*(?P<subject>.+?)
        (?:\s+(?:do|does|mean|means|stand\s+for|used\s+for|for))?
        \s*[?.!]*\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# "How does X work?" and "tell me about X" ask for the same introduction.
_OVERVIEW = re.compile(
    r"""^\s*(?:how\s+(?:does|do)\s+(?P<subject>.+?)\s+work|tell\s+me\s+about\s+(?P<about>.+?))\s*[?.!]*\s*$""",
    re.IGNORECASE,
)
# More words than this is a question about X, not what X is ("what does gh-deploy do under the hood?").
MAX_SUBJECT_WORDS = 4
# "What do I need?", "how does it work?": about the asker or something said before, not a thing to define.
_NO_SUBJECT = frozenset({"i", "we", "you", "my", "our", "your", "it", "this", "that", "they", "these", "those"})
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


def _patterns(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)


# "what's the default for strict?", "site_dir's default value?", "is ignore-scripts on by default?",
# "what does fund default to?": the value a setting takes, stated in the section the setting names.
_DEFAULT_QUESTIONS = _patterns(
    r"^\s*(?:what(?:'s|’s|s|\s+is)\s+)?(?:the\s+)?default(?:\s+value)?\s+(?:for|of)\s+(?P<subject>.+?)\s*[?.!]*\s*$",
    # "what is the default encoding for fs.readFile?": a parameter's default, in its function's section.
    r"^\s*(?:what(?:'s|’s|s|\s+is|\s+are)\s+)?(?:the\s+)?default\s+(?P<detail>[^\s?]+)"
    r"\s+(?:for|of|in)\s+(?P<subject>.+?)\s*[?.!]*\s*$",
    r"^\s*(?:is|are)\s+(?P<subject>.+?)\s+(?:on|off|enabled|disabled|set|true|false)\s+by\s+default\s*[?.!]*\s*$",
    r"^\s*what\s+does\s+(?P<subject>.+?)\s+default\s+to\s*[?.!]*\s*$",
    r"^\s*(?:what(?:'s|’s|s|\s+is)\s+)?(?:the\s+)?(?P<subject>.+?)(?:'s|’s)?\s+default(?:\s+value)?\s*[?.!]*\s*$",
)
# A unit that states a default: "**default**: `'site'`", "Default: true", "`encoding` {string} **Default:** `null`",
# "Defaults to", "on by default".
_DEFAULT_STATEMENT = re.compile(r"\bdefaults?[*_`\s]*:|\bdefaults?\s+(?:is|to|value)\b|\bby\s+default\b", re.IGNORECASE)

# "what does fs.readFileSync return?", "what type does buf.toString return?", "the return value of path.parse?":
# what a function gives back, stated in the section its signature heads.
_RETURN_QUESTIONS = _patterns(
    r"^\s*what(?:\s+\w+)?\s+(?:does|do|will)\s+(?P<subject>.+?)\s+return\s*[?.!]*\s*$",
    r"^\s*(?:what(?:'s|’s|s|\s+is)\s+)?(?:the\s+)?return(?:ed)?\s+(?:value|type)\s+(?:of|for)\s+(?P<subject>.+?)"
    r"\s*[?.!]*\s*$",
    r"^\s*what(?:'s|’s|s|\s+is)\s+returned\s+by\s+(?P<subject>.+?)\s*[?.!]*\s*$",
)
# A unit that says what a function returns: "Returns: {string}", "Returns the contents of the file.", "Return a
# list of ..." (a parameter's "A function that returns ..." is about the parameter).
_RETURN_STATEMENT = re.compile(r"^[\W_]*returns?\b", re.IGNORECASE)

Wanted = Literal["definition", "default", "return"]


@dataclass(frozen=True, slots=True)
class NamedQuestion:
    """A question about a thing a heading may name, and what of its section answers it."""

    subject: str
    wants: Wanted
    detail: str = ""
    """What of the subject a default is asked of ("encoding" in "the default encoding for fs.readFile?"), if not
    of the subject itself."""

    def answered_by(self, text: str, kind: str) -> bool:
        """Whether a unit of the section (its `text` and kind) answers: the first that does is the quote."""
        if self.wants == "default":
            return (
                kind in QUOTABLE
                and _DEFAULT_STATEMENT.search(text) is not None
                and (not self.detail or _names(text, self.detail))
            )
        if self.wants == "return":
            return kind in QUOTABLE and (_RETURN_STATEMENT.match(text) is not None or _returns(text, self.subject))
        return kind == "sentence" and not is_aside(text)


def _returns(text: str, subject: str) -> bool:
    """Whether `text` opens by saying what `subject` returns: "The `path.parse()` method returns an object"."""
    name = re.escape(name_text(subject).split()[-1]) if name_text(subject).split() else ""
    opening = rf"^[\W_]*(?:the\s+)?[\w.`]*{name}\b[`()]*(?:\s+(?:method|function))?\s+returns\b"
    return bool(name) and re.match(opening, text, re.IGNORECASE) is not None


def _names(text: str, word: str) -> bool:
    """Whether `text` holds `word` as a word of its own ("encoding" in "`encoding` {string}", not in "encodings")."""
    return re.search(rf"(?<![\w-]){re.escape(word.strip('`'))}(?![\w-])", text, re.IGNORECASE) is not None


def named_question(question: str) -> NamedQuestion | None:
    """What `question` asks of a thing the documents may name: its default value, what it returns, or what it is."""
    # Default first: "what's the default for strict?" is also "what's" + "the default for strict".
    wanted: tuple[tuple[Wanted, tuple[re.Pattern[str], ...]], ...] = (
        ("default", _DEFAULT_QUESTIONS),
        ("return", _RETURN_QUESTIONS),
    )
    for wants, patterns in wanted:
        for pattern in patterns:
            match = pattern.match(question)
            if match is not None:
                subject = _checked_subject(match.group("subject"))
                detail = match.groupdict().get("detail") or ""
                return None if subject is None else NamedQuestion(subject, wants, detail)
    subject = definition_subject(question)
    return None if subject is None else NamedQuestion(subject, "definition")


def definition_subject(question: str) -> str | None:
    """What a definition question asks about ("npm prune" for "what does npm prune do?" or "how does npm prune
    work?"), else None."""
    match = _DEFINITION.match(question)
    if match is not None:
        return _checked_subject(match.group("subject"))
    return overview_subject(question)


def overview_subject(question: str) -> str | None:
    """What "how does X work?" or "tell me about X" asks about, else None."""
    match = _OVERVIEW.match(question)
    return None if match is None else _checked_subject(match.group("subject") or match.group("about"))


def searched_text(question: str) -> str:
    """The words of `question` to search for: an overview question's subject alone, else all of it.

    "Work" and "tell" are the form of "how does npm ci work?" and "tell me about npm audit", not what they are
    about, and a page that never says them must not look less sure. "Mean" and "stand for" stay: a text often
    says "meaning" or "stands for" next to the answer.
    """
    return overview_subject(question) or question


def _checked_subject(subject: str) -> str | None:
    """A subject of at most `MAX_SUBJECT_WORDS` words that isn't the asker or something said before."""
    subject = subject.strip()
    words = subject.split()
    if not 0 < len(words) <= MAX_SUBJECT_WORDS or words[0].casefold() in _NO_SUBJECT:
        return None
    return subject


def name_text(name: str) -> str:
    """A name with its joining punctuation as spaces: "npm-ci" and "npm ci" are one name."""
    return _NAME_JOINERS.sub(" ", name)


# An API reference's heading is a signature: "fs.readFile(path[, options], callback)", "`json.dumps(obj, *, ...)`",
# "new URL(input[, base])". It names the function: its arguments are no part of the name.
_SIGNATURE = re.compile(r"^(?P<name>(?:new\s+)?[^\s()]+)\((?:[^()]|\([^()]*\))*\)$")


def heading_name(heading: str) -> str:
    """The name a heading gives its section (see `name_text`), a signature's arguments left out."""
    bare = heading.strip().strip("`").strip()
    signature = _SIGNATURE.match(bare)
    return name_text(signature.group("name") if signature else heading)


def name_terms(name: str, tokenize: Tokenize) -> frozenset[str]:
    """The terms of a name (see `name_text`)."""
    return frozenset(tokenize(name_text(name)))


def subject_names(subject: frozenset[str], kinds: frozenset[str]) -> Iterator[frozenset[str]]:
    """The name terms of every heading that names the subject: its terms, without each subset of its `kinds`
    terms, fewest left out first; never the empty set."""
    removable = sorted(subject & kinds)
    for count in range(len(removable) + 1):
        for removed in itertools.combinations(removable, count):
            names = subject - frozenset(removed)
            if names:
                yield names


def names_subject(heading: str, subject: frozenset[str], kinds: frozenset[str], tokenize: Tokenize) -> bool:
    """Whether `heading` names the subject: its terms are the subject's, save the subject's `kinds` terms."""
    return frozenset(tokenize(heading_name(heading))) in set(subject_names(subject, kinds))


# "NEW: New in version 1.4.", "Note: This command is unaware of workspaces.": an aside, not what X is.
# "See [npm cache](...).": a pointer elsewhere, not what X is either.
_ASIDE = re.compile(r"^[\W_]*(?:[^\W\d_]+[\W_]*:|see\b)", re.IGNORECASE)


def is_aside(sentence: str) -> bool:
    """Whether a sentence is an aside that opens with a one-word label ("Note:", "**NEW**:") or points elsewhere
    ("See `npm cache`.")."""
    return _ASIDE.match(sentence) is not None


def is_lead_heading(heading: str) -> bool:
    """Whether a heading opens a page's introduction ("Description", "Overview")."""
    return " ".join(heading.casefold().split()) in LEAD_HEADINGS
