"""Does a chat line in a help channel ask something quotebot could answer? Pure.

In auto-answer mode quotebot replies to messages nobody addressed to it, so a
wrong "yes" is noise in someone's channel while a wrong "no" only leaves a
question to the humans: the check favours precision. It scores signals of a
real question (a question mark, an interrogative opener such as "how do i" or
"is there", a help request such as "anyone know" or "need help with") against
signs of chatter (greetings, laughter, rhetorical and social questions,
questions put to another person, lines with no content word), and a line is a
question when the score reaches `QUESTION_THRESHOLD`.

Measured on tests/insights/chat_lines.json by benchmarks/question_likeness.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.stopwords import ENGLISH_STOPWORDS
from index.tokens import normalize

QUESTION_THRESHOLD = 3.0
OPENER_SCORE = 3.0
QUESTION_MARK_SCORE = 2.0
HELP_REQUEST_SCORE = 3.0
# A long line that ends in a question mark is a question even in a language or
# a word order the openers don't know ("¿cómo instalo el mod?").
LONG_QUESTION_BONUS = 1.0
LONG_QUESTION_WORDS = 4
LAUGHTER_PENALTY = 3.0
TAG_QUESTION_PENALTY = 2.0
# Outweighs a question mark, an opener and length together: only an information verb saves such a line.
PERSON_DIRECTED_PENALTY = 4.0
MIN_WORDS = 3
# Without a question mark an opener must come with this many content words:
# "how do i reset my password" asks, "what is happening" only wonders.
MIN_CONTENT_WORDS_WITHOUT_MARK = 2

_CODE_BLOCK = re.compile(r"```.*?(?:```|$)", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
# User, role and channel mentions, custom emoji and :shortcode: emoji.
_DISCORD_MARKUP = re.compile(r"<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|:\w+:")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
# Clauses start after sentence marks and after the joints of chat phrasing:
# "ok but where do i find my api key", "quick q: how do i ...".
_CLAUSE_BREAK = re.compile(r"[.?!;:,()\n]+|\b(?:but|so|and|though|also|then|ok|okay|anyway)\b")

_INTERROGATIVES = frozenset(
    "how hows how's hw what whats what's wat wut why whys why's where wheres where's when whens when's "
    "which who whos who's whom whose".split()
)
_AUXILIARIES = frozenset(
    "do does did is are was were can could would will should shall has have am may might must "
    "isnt isn't doesnt doesn't dont don't cant can't wont won't arent aren't didnt didn't".split()
)
_NEGATIVE_AUXILIARIES = frozenset(
    "isnt isn't doesnt doesn't dont don't arent aren't wasnt wasn't didnt didn't wont won't".split()
)
# What follows an auxiliary that opens a question: "is there", "can i", "does the plugin".
_INVERTED_SUBJECTS = frozenset(
    "i we it this that there the my a an any someone anyone anybody somebody everyone they these those "
    "he she our their mods plugins".split()
)
_GENERIC_YOU_AUXILIARIES = frozenset("do does can could would should".split())
_SECOND_PERSON = frozenset("you u ya y'all yall ye your ur".split())
# "can you tell me", "do you know how": a question to a person that asks for information.
_INFORMATION_VERBS = frozenset(
    "know knows help tell explain recommend suggest show point advise clarify confirm describe".split()
)
_HELP_PHRASES = re.compile(
    r"\b(?:any(?:one|body)|some(?:one|body)|does any(?:one|body)|do any of you)\s+"
    r"(?:know|knows|got|seen|managed|tried|figured|able|familiar|else had)\b"
    r"|\bany\s+(?:idea|ideas|clue|tips|advice|suggestions|pointers)\b"
    r"|\b(?:need|needs|want|looking for)\s+(?:some\s+)?help\b"
    r"|\bhelp\s+(?:with|me|on|setting|understanding|installing|figuring)\b"
    r"|\b(?:know|knows)\s+how\s+to\b"
    r"|\bwonder(?:ing)?\s+(?:if|whether|how|why|what|where)\b"
    r"|\b(?:figure|figuring)\s+out\s+(?:how|why|what|where|which)\b"
    r"|\bnot\s+sure\s+(?:how|why|what|where|which|if|whether)\b"
    r"|\bno\s+idea\s+(?:how|why|what|where)\b"
    r"|\bcan'?t\s+figure\s+(?:out\s+)?(?:how|why|what|where)\b"
    r"|\blooking\s+for\s+(?:a|an|the)\s+(?:way|guide|tutorial|option|setting)\b"
    r"|\bwhat\s+(?:am\s+i|did\s+i|i'm)\s+(?:missing|doing\s+wrong|do\s+wrong)\b"
)
# A line that opens with "help" and says what with: "help pls my game crashes when ...".
_HELP_OPENER = re.compile(r"^\s*(?:help+|halp)\b")
_LAUGHTER = re.compile(
    r"\b(?:lol+|lmf?ao+|rofl|xd+|kek\w*|ha(?:ha)+h?|he(?:he)+|jk)\b|[\U0001f602\U0001f923\U0001f480]",
    re.IGNORECASE,
)
# Small talk dressed as a question, and questions that expect no answer.
_CHATTER = re.compile(
    r"\bhow\s+(?:are|r|re)\s+(?:you|u|ya|y'all|yall)\b|\bhow're\s+you\b"
    r"|\bhow(?:'s|s|\s+is)\s+(?:it\s+going|everyone|everybody|life|your|ur)\b"
    r"|\bhow\s+was\s+(?:your|ur|the\s+weekend)\b|\bhow\s+are\s+(?:things|we\s+all)\b"
    r"|\bwhat(?:'s|s|\s+is)\s+up\b|\bwass?up\b|\bsup\b|\bwyd\b|\bwhat\s+are\s+(?:you|u)\s+up\s+to\b"
    r"|\b(?:is\s+)?any(?:one|body)\s+(?:here|there|online|around|awake|alive|on)\s*\??\s*$"
    r"|\bwho(?:'s|s|\s+is)\s+(?:hyped|excited|ready|streaming|playing|online|up|on|down|in|coming|around)\b"
    r"|\bwho\s+(?:wants|else)\b|\bany(?:one|body)\s+(?:wanna|want\s+to|up\s+for|down\s+for)\b|^\s*wanna\b"
    r"|\bwho\s+(?:even|cares|asked)\b|\bwhat\s+could\s+(?:possibly\s+)?go\s+wrong\b|\bis\s+it\s+just\s+me\b"
    r"|\bam\s+i\s+the\s+only\s+one\b|\bwhy\s+would\s+any(?:one|body)\b|\bhow\s+is\s+(?:this|it|that)\s+still\b"
    r"|\bwhat\s+even\b|\bwhat\s+did\s+i\s+just\b|\b(?:dm|add|message|friend)\s+(?:you|u)\b"
    r"|\byour\s+fav(?:ou?rite)?\b"
)
# Words that carry no topic: a line made only of these and stopwords asks nothing a document answers.
_FILLER = frozenset(
    """
    help helpp halp pls plz please question q quick ask asking someone anyone anybody somebody everyone
    everybody nobody noone guys guy all y'all yall thanks thank thx ty tysm hi hello hey yo hiya gm gn sorry ok okay
    like really actually something anything thing stuff one lol lmao idk tbh btw ur u ya yeah yes yep
    no nope hmm uh um oh well know get got even still go going wait
    """.split()
)
# Openings that come before the question and aren't part of it.
_LEADING_FILLER = re.compile(
    r"^(?:\s*(?:hi|hello|hey|heya|hiya|yo|sup|gm|morning|good\s+(?:morning|evening|afternoon)|ok|okay|so|um+|uh+|"
    r"sorry|quick\s+(?:question|q)|question)\b(?:\s+(?:all|everyone|everybody|guys|folks|there|y'all|team))?"
    r"[\s,!.:;-]*)+",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class QuestionLikeness:
    """How much a chat line looks like a question worth answering, and why."""

    score: float
    reasons: tuple[str, ...]
    """The signals that made the score, for tuning and for the benchmark's report."""

    @property
    def is_question(self) -> bool:
        return self.score >= QUESTION_THRESHOLD


def prose_of(text: str) -> str:
    """The words a person typed: no code, links, mentions or custom emoji; straight quotes; lower case."""
    text = normalize(text)
    text = _CODE_BLOCK.sub(" ", text)
    text = _INLINE_CODE.sub(" code ", text)
    text = _URL.sub(" ", text)
    text = _DISCORD_MARKUP.sub(" ", text)
    return text.casefold()


def question_likeness(text: str) -> QuestionLikeness:
    """Score `text` as a chat line: at `QUESTION_THRESHOLD` or above it is a question worth answering."""
    laughing = bool(_LAUGHTER.search(normalize(text)))
    prose = prose_of(text)
    words = _WORD.findall(prose)
    if len(words) < MIN_WORDS:
        return QuestionLikeness(0.0, ("too short",))
    if _CHATTER.search(prose):
        return QuestionLikeness(0.0, ("small talk or rhetorical",))
    content_words = [word for word in words if word not in ENGLISH_STOPWORDS and word not in _FILLER]
    if not content_words:
        return QuestionLikeness(0.0, ("no content word",))

    score = 0.0
    reasons: list[str] = []
    has_mark = "?" in prose
    if has_mark:
        score += QUESTION_MARK_SCORE
        reasons.append("question mark")
        if len(words) >= LONG_QUESTION_WORDS and len(content_words) >= 2:
            score += LONG_QUESTION_BONUS
            reasons.append("long question")

    clauses = [_WORD.findall(clause) for clause in _CLAUSE_BREAK.split(_LEADING_FILLER.sub("", prose))]
    clauses = [clause for clause in clauses if clause]
    if any(_opens_question(clause) for clause in clauses) and (
        has_mark or len(content_words) >= MIN_CONTENT_WORDS_WITHOUT_MARK
    ):
        score += OPENER_SCORE
        reasons.append("interrogative opener")
    if _HELP_PHRASES.search(prose) or (_HELP_OPENER.match(prose) and len(content_words) >= 2):
        score += HELP_REQUEST_SCORE
        reasons.append("help request")

    if laughing:
        score -= LAUGHTER_PENALTY
        reasons.append("laughter")
    if any(_is_tag_question(clause) for clause in clauses):
        score -= TAG_QUESTION_PENALTY
        reasons.append("tag question")
    if any(_is_put_to_a_person(clause) for clause in clauses):
        score -= PERSON_DIRECTED_PENALTY
        reasons.append("asks a person about themselves")
    return QuestionLikeness(score, tuple(reasons))


def looks_like_question(text: str) -> bool:
    """Whether a chat line asks something worth an unasked answer (see `question_likeness`)."""
    return question_likeness(text).is_question


def _opens_question(clause: list[str]) -> bool:
    first = clause[0]
    if first in _INTERROGATIVES:
        return True
    return (
        first in _AUXILIARIES
        and first not in _NEGATIVE_AUXILIARIES
        and len(clause) > 1
        and (clause[1] in _INVERTED_SUBJECTS or clause[1] in _SECOND_PERSON)
    )


def _is_tag_question(clause: list[str]) -> bool:
    """ "isn't that the whole point", "isnt it beautiful": a question that asserts."""
    return len(clause) > 1 and clause[0] in _NEGATIVE_AUXILIARIES and clause[1] in _INVERTED_SUBJECTS


def _is_put_to_a_person(clause: list[str]) -> bool:
    """ "are you on the latest version", "what os are you on": a helper's question, not one for the documents."""
    if clause[0] in ("how", "hw") and len(clause) > 1 and clause[1] in _GENERIC_YOU_AUXILIARIES:
        return False  # "how do you enable shaders": the generic you, asking how it is done
    for position, word in enumerate(clause[:-1]):
        if word in _AUXILIARIES and clause[position + 1] in _SECOND_PERSON:
            return not any(later in _INFORMATION_VERBS for later in clause[position + 2 :])
    return False
