"""Answers: refusal, quotes, confidence and the sentence-level re-ranking."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from index.answers import (
    BM25_SHARE_WEIGHT,
    LEAD_IN_CHARS,
    LEAD_IN_ITEMS,
    NAME_WEIGHT,
    PHRASE_WEIGHT,
    SENTENCE_BM25_WEIGHT,
    SENTENCE_WEIGHT,
    SentenceTerms,
    average_length_bm25,
    best_quote,
    bm25_share,
    confidence,
    evidence_weight,
    evidence_windows,
    matched_mass,
    phrase_mass,
    rerank,
    sentence_bm25,
    with_its_list,
    word_mass,
)
from index.passage_index import Analyzer, PassageIndex, build_index
from index.ranking import RankBM25Engine, lucene_idf
from index.sentences import SentenceSplitter
from index.tokens import Tokenizer

# Four paragraphs of 200+ characters each, so each is its own passage.
PARAGRAPHS = (
    "The lighthouse keeper climbed the spiral stairs every evening at dusk. "
    "He lit the great lamp with a long brass taper. "
    "Ships far out at sea watched for its beam sweeping across the dark water of the bay.",
    "The village bakery opened before sunrise on weekdays. "
    "Its rye loaves were baked in a wood-fired oven that the baker's grandfather had built. "
    "Customers queued along the harbour road for bread still warm from the fire.",
    "A storm in November tore the roof from the old boathouse. "
    "Fishermen spent the winter rebuilding it with timber salvaged from a wrecked schooner. "
    "The new roof was painted red so that it could be seen from the cliffs.",
    "The harbour master kept a ledger of every vessel that entered the port. "
    "Each entry recorded the ship's name, its cargo and the hour of its arrival. "
    "The oldest ledgers are now kept in the town museum beside the chapel.",
)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> PassageIndex:
    corpus = tmp_path_factory.mktemp("answers-corpus")
    (corpus / "village.txt").write_text("\n\n".join(PARAGRAPHS) + "\n", encoding="utf-8")
    analyzer = Analyzer(Tokenizer("builtin"), SentenceSplitter("builtin"))
    built = build_index(Path(corpus), analyzer=analyzer, engine="rank-bm25")
    assert len(built.passages) == len(PARAGRAPHS)
    return built


@pytest.mark.parametrize("question", ["what is it and who was there?", "?!...", "🤔🔥👀", "  ¿¡ -- … ;;"])
def test_questions_without_terms_are_refused(index: PassageIndex, question: str) -> None:
    """Stopword-only, punctuation-only and emoji-only questions have no terms and are refused."""
    answer = index.ask(question)
    assert not answer.found
    assert answer.verdict == "no-terms"
    assert answer.confidence == 0.0
    assert answer.passages == ()


@pytest.mark.parametrize(
    "question",
    ["What did the senators vote on the budget amendment?", "Which quarterback threw the winning touchdown?"],
)
def test_off_topic_questions_are_refused(index: PassageIndex, question: str) -> None:
    """A question whose terms the corpus doesn't hold is refused at the default threshold."""
    answer = index.ask(question)
    assert not answer.found
    assert answer.verdict == "not-covered"
    assert answer.passages == ()
    assert answer.confidence < 0.35


def test_answer_quotes_the_sentence_that_answers(index: PassageIndex) -> None:
    """The quote is a substring of the passage text, and it's the sentence holding the question's terms."""
    answer = index.ask("What was the great lamp lit with?")
    assert answer.found
    top = answer.passages[0]
    assert top.passage.text == PARAGRAPHS[0]
    assert top.quote in top.passage.text
    assert top.quote == "He lit the great lamp with a long brass taper."


def test_passages_come_best_first(index: PassageIndex) -> None:
    """Passages are ordered by decreasing score."""
    answer = index.ask("Where are the ledgers of the harbour kept?", top_k_passages=3)
    scores = [ranked.score for ranked in answer.passages]
    assert answer.passages[0].passage.text == PARAGRAPHS[3]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("engine", ["rank-bm25", "bm25s"])
def test_a_passage_repeating_another_ones_text_is_shown_once(tmp_path: Path, engine: str) -> None:
    """Docs repeat a block on many pages; the answer shows it once and makes room for other passages."""
    repeated = "### ignore-scripts\n\nIf true, the ferry office does not run the scripts a timetable lists."
    for number in range(6):
        # Indented differently on some pages: white space doesn't make another text.
        block = repeated.replace("If true,", "If true,\n ") if number % 2 else repeated
        page = f"---\ntitle: Page {number}\n---\n\n## Configuration\n\nThe settings of page {number}.\n\n{block}\n"
        (tmp_path / f"page{number}.md").write_text(page, encoding="utf-8")
    (tmp_path / "scripts.md").write_text(
        "# Scripts\n\nThe ferry office runs the scripts of a timetable before each crossing.\n", encoding="utf-8"
    )
    analyzer = Analyzer(Tokenizer("builtin"), SentenceSplitter("builtin"))
    index = build_index(tmp_path, analyzer=analyzer, engine=engine)
    answer = index.ask("does the ferry office run the timetable scripts?", top_k_passages=3)
    texts = [" ".join(ranked.passage.text.split()) for ranked in answer.passages]
    assert len(set(texts)) == len(texts) == 2
    assert {ranked.passage.doc_id for ranked in answer.passages} & {"scripts.md"}


def test_confidence_of_a_question_half_outside_the_corpus(index: PassageIndex) -> None:
    """By hand: one term in 1 of 4 passages, one unknown; the mean of the sqrt-IDF share and the unbiased BM25 share."""
    answer = index.ask("schooner zeppelin", min_confidence=0.0)
    known_idf = math.log(1 + (4 - 1 + 0.5) / (1 + 0.5))
    unknown_idf = math.log(1 + (4 - 0 + 0.5) / (0 + 0.5))
    share = math.sqrt(known_idf) / (math.sqrt(known_idf) + math.sqrt(unknown_idf))
    position = index.passages.index(answer.passages[0].passage)
    bm25 = float(index.engine.scores(["schooner"])[position])
    # The passage is short: its BM25 counts as at average length, where a term found tf times scores idf tf/(tf+k1).
    found = index.analyzer.tokenizer.tokenize(PARAGRAPHS[2]).count("schooner")
    average_length = known_idf * found / (found + index.engine.k1)
    assert average_length < bm25
    attainable = (known_idf + unknown_idf) / (1 + index.engine.k1)
    assert answer.confidence == pytest.approx(0.5 * share + 0.5 * min(average_length / attainable, 1.0))
    assert answer.passages[0].passage.text == PARAGRAPHS[2]


def test_a_missing_name_costs_more_confidence_than_a_missing_word(index: PassageIndex) -> None:
    """An unknown word capitalized inside the question is a name: missing it lowers the confidence more."""
    word = index.ask("Was the schooner a zeppelin?", min_confidence=0.0)
    name = index.ask("Was the schooner a Zeppelin?", min_confidence=0.0)
    assert name.passages[0].passage == word.passages[0].passage
    assert name.confidence < word.confidence


def test_threshold_decides_between_answer_and_refusal(index: PassageIndex) -> None:
    """The same question is answered below its confidence and refused above it, with a hint."""
    low = index.ask("schooner zeppelin", min_confidence=0.0)
    high = index.ask("schooner zeppelin", min_confidence=low.confidence + 0.01)
    assert low.found
    assert not high.found
    assert high.hint is not None
    assert high.hint.passage == low.passages[0].passage


def test_confidence_by_hand() -> None:
    """Each term weighs sqrt(IDF): with IDFs 4 and 1 and only the first matched, confidence is 2 / 3."""
    assert confidence({"lamp": 4.0, "taper": 1.0}, frozenset({"lamp", "keeper"})) == pytest.approx(2 / 3)
    assert confidence({"lamp": 4.0, "taper": 1.0}, frozenset({"taper"})) == pytest.approx(1 / 3)
    assert confidence({"lamp": 4.0, "taper": 1.0}, frozenset({"lamp", "taper"})) == pytest.approx(1.0)
    assert confidence({"lamp": 4.0}, frozenset()) == 0.0
    assert confidence({}, frozenset({"lamp"})) == 0.0


def test_evidence_weight_is_the_square_root_of_idf() -> None:
    """evidence_weight(9) is 3, and a non-positive IDF counts for nothing."""
    assert evidence_weight(9.0) == pytest.approx(3.0)
    assert evidence_weight(0.0) == 0.0
    assert evidence_weight(-1.0) == 0.0


idf_maps = st.dictionaries(
    st.text(alphabet="abcdefgh", min_size=1, max_size=3),
    st.floats(min_value=0.01, max_value=20.0),
    min_size=1,
    max_size=8,
)


@given(weights=idf_maps, matched=st.sets(st.text(alphabet="abcdefgh", min_size=1, max_size=3)))
def test_confidence_is_a_share(weights: dict[str, float], matched: set[str]) -> None:
    """Confidence lies in [0, 1], and is 1 exactly when every question term is matched."""
    value = confidence(weights, frozenset(matched))
    assert 0.0 <= value <= 1.0 + 1e-12
    if set(weights) <= matched:
        assert value == pytest.approx(1.0)


@given(weights=idf_maps, matched=st.sets(st.text(alphabet="abcdefgh", min_size=1, max_size=3)))
def test_confidence_ignores_the_scale_of_idf(weights: dict[str, float], matched: set[str]) -> None:
    """Scaling every IDF (a bigger corpus, another log base) leaves the confidence unchanged."""
    scaled = {term: 3.5 * idf for term, idf in weights.items()}
    assert confidence(scaled, frozenset(matched)) == pytest.approx(confidence(weights, frozenset(matched)))


@given(weights=idf_maps, matched=st.sets(st.text(alphabet="abcdefgh", min_size=1, max_size=3)))
def test_matching_more_terms_never_lowers_confidence(weights: dict[str, float], matched: set[str]) -> None:
    """Adding a question term to the passage's terms can only raise the confidence."""
    extra = next(iter(weights))
    assert confidence(weights, frozenset(matched | {extra})) >= confidence(weights, frozenset(matched)) - 1e-12


def test_a_missing_name_weighs_more_than_a_missing_common_word() -> None:
    """With equal IDFs, a passage lacking the question's name is less sure than one lacking a common word."""
    weights = {"kublai": 4.0, "found": 4.0}
    names = frozenset({"kublai"})
    lacks_common_word = confidence(weights, frozenset({"kublai"}), name_terms=names)
    lacks_name = confidence(weights, frozenset({"found"}), name_terms=names)
    assert lacks_common_word == pytest.approx(NAME_WEIGHT / (NAME_WEIGHT + 1))
    assert lacks_name == pytest.approx(1 / (NAME_WEIGHT + 1))
    assert confidence(weights, frozenset({"kublai"})) == pytest.approx(0.5)


@given(weights=idf_maps, matched=st.sets(st.text(alphabet="abcdefgh", min_size=1, max_size=3)))
def test_when_every_term_is_a_name_none_stands_out(weights: dict[str, float], matched: set[str]) -> None:
    """A question written in capitals makes every term a name: the confidence is as without names."""
    every_term = frozenset(weights)
    assert confidence(weights, frozenset(matched), name_terms=every_term) == pytest.approx(
        confidence(weights, frozenset(matched))
    )


def test_bm25_share_by_hand() -> None:
    """Against idf / (1 + k1) per term: with IDFs 2 and 1.3 and k1 = 1.2 that is 1.5; capped at 1."""
    weights = {"lamp": 2.0, "taper": 1.3}
    assert bm25_share(0.75, weights, k1=1.2) == pytest.approx(0.5)
    assert bm25_share(1.5, weights, k1=1.2) == pytest.approx(1.0)
    assert bm25_share(4.0, weights, k1=1.2) == 1.0
    assert bm25_share(0.0, weights, k1=1.2) == 0.0
    assert bm25_share(1.0, {}, k1=1.2) == 0.0


def test_bm25_share_of_a_passage_holding_each_term_once_is_one() -> None:
    """A passage of average length holding each question term once scores exactly the attainable score."""
    passages = [["lamp", "taper", "bay"], ["bread", "oven", "bay"], ["roof", "timber", "paint"]]
    engine = RankBM25Engine(passages)
    weights = {term: engine.idf(term) for term in ("lamp", "taper")}
    assert bm25_share(float(engine.scores(["lamp", "taper"])[0]), weights, k1=engine.k1) == pytest.approx(1.0)


def test_confidence_with_bm25_is_the_mean_of_both_shares() -> None:
    """Given the passage's BM25 score, the confidence mixes the matched share with the BM25 share."""
    weights = {"lamp": 4.0, "taper": 1.0}
    matched = frozenset({"lamp"})
    expected = (1 - BM25_SHARE_WEIGHT) * (2 / 3) + BM25_SHARE_WEIGHT * bm25_share(1.0, weights, k1=1.2)
    assert confidence(weights, matched, bm25=1.0, k1=1.2) == pytest.approx(expected)
    assert confidence(weights, frozenset(), bm25=0.0) == 0.0
    assert confidence({}, matched, bm25=1.0) == 0.0


@given(
    weights=idf_maps,
    matched=st.sets(st.text(alphabet="abcdefgh", min_size=1, max_size=3)),
    bm25=st.floats(min_value=0.0, max_value=100.0),
)
def test_confidence_with_bm25_is_a_share(weights: dict[str, float], matched: set[str], bm25: float) -> None:
    """With a BM25 score too, the confidence stays in [0, 1]."""
    assert 0.0 <= confidence(weights, frozenset(matched), bm25=bm25) <= 1.0 + 1e-12


def _sentence(start: int, text: str, *, quotable: bool = True) -> SentenceTerms:
    return SentenceTerms.of(start, start + len(text), text.split(), quotable=quotable)


def test_best_quote_picks_the_sentence_with_most_mass() -> None:
    """The sentence holding the rarest question term wins over one holding a common term."""
    sentences = [_sentence(0, "keeper stairs"), _sentence(14, "lamp taper"), _sentence(25, "ships beam")]
    assert best_quote({"keeper": 1.0, "taper": 3.0}, sentences) == (14, 24)


def test_best_quote_tie_goes_to_the_earlier_sentence() -> None:
    """Two sentences with equal mass: the first one is quoted, alone."""
    sentences = [_sentence(0, "lamp dusk"), _sentence(10, "lamp bay")]
    assert best_quote({"lamp": 2.0}, sentences) == (0, 9)


def test_best_quote_adds_a_neighbour_when_it_completes_the_answer() -> None:
    """A neighbour of the paragraph joins the quote when its new terms weigh more than half the best one's mass."""
    sentences = [_sentence(0, "storm roof"), _sentence(11, "timber schooner"), _sentence(27, "red cliffs")]
    weights = {"roof": 2.0, "storm": 1.0, "schooner": 2.0}
    assert best_quote(weights, sentences) == (0, 26)
    # 1.0 is not more than half of 3.0: the quote stays one sentence.
    assert best_quote({"roof": 2.0, "storm": 1.0, "timber": 1.0}, sentences) == (0, 10)


def test_best_quote_runs_on_to_the_next_sentence_when_the_one_before_adds_little() -> None:
    """The sentence before adds 1.0 (not over half of 4.0), the one after 2.5: the quote runs forward."""
    sentences = [_sentence(0, "storm roof"), _sentence(11, "roof schooner"), _sentence(25, "red cliffs")]
    weights = {"storm": 1.0, "roof": 2.0, "schooner": 2.0, "cliffs": 2.5}
    assert best_quote(weights, sentences) == (11, 35)


def test_best_quote_counts_the_sentence_before_as_context() -> None:
    """Of two sentences matching the same term, the one whose paragraph opened with another question term wins.

    "If you use Windows, commands may fail. A quick fix is ..." answers "windows quick fix" better than a lone
    "A quick fix is ..." elsewhere; the opening sentence adds too little (1.0, not over half of 2.0) to join.
    """
    sentences = [
        SentenceTerms.of(0, 9, ["fix"], group=1),
        SentenceTerms.of(10, 20, ["windows"], group=2),
        SentenceTerms.of(21, 30, ["fix"], group=2),
    ]
    weights = {"fix": 2.0, "windows": 1.0}
    assert best_quote(weights, sentences) == (21, 30)
    # Without the context the tie would go to the earlier sentence.
    assert best_quote(weights, [sentences[0], sentences[2]]) == (0, 9)


def test_best_quote_context_stops_at_the_paragraph() -> None:
    """The sentence before counts as context only within the same paragraph."""
    sentences = [
        SentenceTerms.of(0, 9, ["fix"], group=1),
        SentenceTerms.of(10, 20, ["windows"], group=2),
        SentenceTerms.of(21, 30, ["fix"], group=3),
    ]
    assert best_quote({"fix": 2.0, "windows": 1.0}, sentences) == (0, 9)


SETUP_PY = ("setup.py", "setup", "py")
"""The terms of the question word "setup.py": the whole name and its parts."""


def test_word_mass_counts_a_word_of_several_terms_once() -> None:
    """A sentence naming `setup.py` matches one question word, at its heaviest term; other terms count alone."""
    weights = {"setup.py": 4.0, "setup": 3.5, "py": 3.0, "regist": 2.5}
    assert word_mass(weights, [SETUP_PY], frozenset(SETUP_PY)) == pytest.approx(4.0)
    assert word_mass(weights, [SETUP_PY], frozenset({"setup", "regist"})) == pytest.approx(6.0)
    assert word_mass(weights, [], frozenset(SETUP_PY)) == pytest.approx(matched_mass(weights, frozenset(SETUP_PY)))


def test_best_quote_prefers_two_question_words_to_one_file_name() -> None:
    """ "I registered the entry point in setup.py but my plugin does nothing": the sentence about registering a
    plugin is the answer, not the one that merely names `setup.py`, whose three terms would outweigh it."""
    weights = {"setup.py": 4.0, "setup": 3.5, "py": 3.0, "regist": 4.0, "plugin": 1.5}
    sentences = [
        SentenceTerms.of(0, 30, ["add", "setup.py", "setup", "py", "script"], group=1),
        SentenceTerms.of(31, 80, ["regist", "plugin", "activ"], group=2),
    ]
    assert best_quote(weights, sentences, words=[SETUP_PY]) == (31, 80)
    assert best_quote(weights, sentences) == (0, 30)  # each term its own word


def _lead_in_and_items(items: int, item_chars: int = 20) -> list[SentenceTerms]:
    """A lead-in sentence ("bins are linked as follows:") at 0..30, then `items` list items, then a sentence."""
    units = [SentenceTerms.of(0, 30, ["bin", "link"], lead_in=True)]
    for number in range(items):
        start = 32 + number * (item_chars + 1)
        units.append(SentenceTerms.of(start, start + item_chars, [f"step{number}"], kind="item"))
    after = units[-1].end + 2
    units.append(SentenceTerms.of(after, after + 25, ["node", "upgrade"]))
    return units


def test_a_quote_ending_with_a_colon_runs_on_through_its_list() -> None:
    """ "... as follows:" says nothing alone: the items after it join the quote, and the sentence after them doesn't."""
    units = _lead_in_and_items(2)
    assert best_quote({"bin": 2.0}, units) == (0, units[2].end)
    # Without the colon it is a sentence like any other.
    plain = [SentenceTerms.of(0, 30, ["bin", "link"]), *units[1:]]
    assert best_quote({"bin": 2.0}, plain) == (0, 30)


def test_a_lead_ins_list_is_quoted_within_limits() -> None:
    many = _lead_in_and_items(LEAD_IN_ITEMS + 3)
    assert with_its_list(many, 0, 0) == many[LEAD_IN_ITEMS].end
    long_items = _lead_in_and_items(3, item_chars=LEAD_IN_CHARS // 2)
    assert with_its_list(long_items, 0, 0) == long_items[1].end  # the second would pass LEAD_IN_CHARS
    # A lead-in followed by no item (code, another paragraph) ends where it ends.
    alone = [SentenceTerms.of(0, 30, ["bin"], lead_in=True), SentenceTerms.of(32, 50, ["node"])]
    assert with_its_list(alone, 0, 0) == 30


def test_best_quote_of_no_sentences_is_empty() -> None:
    """A passage without sentences yields an empty quote span."""
    assert best_quote({"lamp": 1.0}, []) == (0, 0)


def test_phrase_mass_counts_adjacent_question_pairs_once() -> None:
    """Consecutive question terms side by side in a sentence add the smaller weight, once per pair."""
    weights = {"brass": 2.0, "taper": 3.0, "lamp": 1.0}
    sentences = [_sentence(0, "long brass taper"), _sentence(17, "taper brass lamp")]
    # pairs (brass, taper) -> 2.0, found in both sentences but counted once; (taper, lamp) never adjacent.
    assert phrase_mass(["brass", "taper", "lamp"], weights, sentences) == pytest.approx(2.0)
    assert phrase_mass(["lamp", "taper"], weights, sentences) == 0.0


def test_rerank_counts_a_word_of_several_terms_once() -> None:
    """Equal BM25: the passage whose sentence holds two question words beats one naming `main.html` thrice over."""
    weights = {"main.html": 3.0, "main": 2.5, "html": 2.0, "libs": 3.0, "block": 1.0}
    sentences = {
        0: [SentenceTerms.of(0, 20, ["main.html", "main", "html", "templat"])],
        1: [SentenceTerms.of(0, 20, ["libs", "block", "script"])],
    }
    words = [("main.html", "main", "html")]
    terms = ["libs", "block", "main.html", "main", "html"]
    assert [position for position, _ in rerank([(0, 1.0), (1, 1.0)], terms, weights, sentences.__getitem__)] == [0, 1]
    ranked = rerank([(0, 1.0), (1, 1.0)], terms, weights, sentences.__getitem__, words=words)
    assert [position for position, _ in ranked] == [1, 0]


def test_rerank_prefers_a_passage_answering_in_one_sentence() -> None:
    """A lower BM25 score wins when one sentence holds the question; scores are computed by hand."""
    weights = {"brass": 2.0, "taper": 3.0}
    sentences = {
        0: [_sentence(0, "brass bell"), _sentence(11, "taper box")],
        1: [_sentence(0, "brass taper")],
    }
    ranked = rerank([(0, 2.0), (1, 1.5)], ["brass", "taper"], weights, sentences.__getitem__)
    # Every sentence has 2 terms, the mean too: the length norm is k1 = 1.2, and tf = 1 gives idf / 2.2.
    assert ranked == [
        (
            1,
            pytest.approx(
                1.5
                + SENTENCE_WEIGHT * (math.sqrt(2.0) + math.sqrt(3.0))
                + SENTENCE_BM25_WEIGHT * (2.0 + 3.0) / 2.2
                + PHRASE_WEIGHT * 2.0
            ),
        ),
        (0, pytest.approx(2.0 + SENTENCE_WEIGHT * math.sqrt(3.0) + SENTENCE_BM25_WEIGHT * 3.0 / 2.2)),
    ]


def test_sentence_bm25_by_hand() -> None:
    """Sentence BM25 with k1 1.2 and b 0.75: tf saturates, and a sentence longer than the mean scores less."""
    weights = {"lamp": 2.0, "taper": 1.0}
    # 4 terms against a mean of 4: norm 1.2; lamp twice gives 2 * 2 / 3.2, taper 1 / 2.2.
    assert sentence_bm25(weights, _sentence(0, "lamp lamp taper box"), 4.0) == pytest.approx(4 / 3.2 + 1 / 2.2)
    # 8 terms against a mean of 4: norm 1.2 * (0.25 + 0.75 * 2) = 2.1.
    long = _sentence(0, "lamp a b c d e f g")
    assert sentence_bm25(weights, long, 4.0) == pytest.approx(2.0 / 3.1)
    assert sentence_bm25(weights, _sentence(0, "lamp a"), 4.0) > sentence_bm25(weights, long, 4.0)
    assert sentence_bm25(weights, _sentence(0, "bell box"), 4.0) == 0.0


def test_rerank_prefers_the_shorter_sentence_holding_the_terms() -> None:
    """Two passages whose best sentences hold the same question terms: the short sentence ranks first."""
    weights = {"brass": 2.0, "taper": 3.0}
    sentences = {
        0: [_sentence(0, "brass and a great many other things besides the taper")],
        1: [_sentence(0, "taper of brass")],
    }
    ranked = rerank([(0, 1.0), (1, 1.0)], ["brass", "taper"], weights, sentences.__getitem__)
    assert [position for position, _ in ranked] == [1, 0]


def test_rerank_puts_a_passage_with_nothing_to_quote_last() -> None:
    """A synopsis (a heading over a code block) outscores the description, but an answer is a quote."""
    sentences = {
        0: [_sentence(0, "npm prune", quotable=False), _sentence(10, "npm prune pkg", quotable=False)],
        1: [_sentence(0, "prune removes extraneous packages"), _sentence(34, "npm prune", quotable=False)],
    }
    candidates = [(0, 5.0), (1, 2.0)]
    ranked = rerank(candidates, ["npm", "prune"], {"npm": 1.0, "prune": 3.0}, sentences.__getitem__)
    assert [position for position, _ in ranked] == [1, 0]
    assert dict(ranked)[0] > dict(ranked)[1]  # its score is still its own


def test_rerank_breaks_ties_by_position() -> None:
    """Equal final scores keep passage order."""
    sentences = {3: [_sentence(0, "lamp")], 1: [_sentence(0, "lamp")]}
    ranked = rerank([(3, 1.0), (1, 1.0)], ["lamp"], {"lamp": 1.0}, sentences.__getitem__)
    assert [position for position, _ in ranked] == [1, 3]


def test_unknown_terms_weigh_most() -> None:
    """A term absent from the corpus gets Lucene's highest IDF, so it weighs most in the confidence."""
    assert lucene_idf(4, 0) > lucene_idf(4, 1) > lucene_idf(4, 4) > 0


def test_evidence_windows_take_consecutive_sentences_that_fit_with_the_heading_path() -> None:
    """Each sentence opens a window of the sentences that fit in `max_chars`; the context terms are in all."""
    sentences = [
        SentenceTerms.of(0, 100, ["alpha"]),
        SentenceTerms.of(101, 200, ["beta"]),
        SentenceTerms.of(201, 900, ["gamma"]),
    ]
    windows = evidence_windows(sentences, frozenset({"title"}), max_chars=250)
    assert windows == [
        frozenset({"title", "alpha", "beta"}),
        frozenset({"title", "beta"}),
        frozenset({"title", "gamma"}),  # longer than max_chars: a window alone
    ]
    assert evidence_windows([], frozenset({"title"})) == [frozenset({"title"})]


def test_a_long_section_scattering_the_question_words_is_refused(make_corpus, builtin_analyzer) -> None:
    """Question words spread over a long section don't add up to an answer; the same words together do."""
    filler = " ".join(f"Paragraph {n} talks about the weather in the hills at length." for n in range(6))
    scattered = (
        "# Deployment\n\n"
        f"The server starts in the morning. {filler}\n\n"
        f"Logs are kept for a week. {filler}\n\n"
        f"A proxy can sit in front. {filler}\n\n"
        f"Backups run every night. {filler}\n"
    )
    compact = "# Rotation\n\nThe server rotates its logs behind the proxy every night, before backups.\n"
    question = "Does the server rotate logs behind the proxy before backups?"
    refused = build_index(make_corpus({"deploy.md": scattered}), analyzer=builtin_analyzer).ask(question)
    answered = build_index(make_corpus({"rotation.md": compact + "\n" + scattered}), analyzer=builtin_analyzer)
    assert not refused.found
    assert answered.ask(question).found


def test_average_length_bm25_gives_brevity_no_credit() -> None:
    """Each matched term scores idf * tf / (tf + k1), whatever the passage's length; unmatched terms score 0."""
    weights = {"blog": 2.0, "tags": 1.0, "posts": 3.0}
    counts = Counter({"blog": 1, "tags": 3, "other": 9})
    expected = 2.0 * 1 / (1 + 1.2) + 1.0 * 3 / (3 + 1.2)
    assert average_length_bm25(weights, counts, k1=1.2) == pytest.approx(expected)
    assert average_length_bm25(weights, Counter(), k1=1.2) == 0.0
