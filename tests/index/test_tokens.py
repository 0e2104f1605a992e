"""Tokenizing: normalization, curly quotes, hyphenated compounds, stopwords, stems, and the NLTK data path."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from index import tokens
from index.ranking import RankBM25Engine
from index.stopwords import ENGLISH_STOPWORDS
from index.tokens import IRREGULAR_FORMS, Tokenizer, normalize


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    """The data-free tokenizer."""
    return Tokenizer("builtin")


@pytest.mark.parametrize(
    ("curly", "straight"),
    [
        ("“Iran’s”", '"Iran\'s"'),
        ("Iran’s missile attack", "Iran's missile attack"),
        ("‘We won’t stop,’ he said", "'We won't stop,' he said"),
        ("Blinken’s 11th trip", "Blinken's 11th trip"),
        ("«Hamas» ‚quoted‛", "\"Hamas\" 'quoted'"),
    ],
)
def test_curly_quotes_tokenize_like_straight_ones(tokenizer: Tokenizer, curly: str, straight: str) -> None:
    """Curly apostrophes and quotes give the same terms as straight ones."""
    assert tokenizer.tokenize(curly) == tokenizer.tokenize(straight)
    assert tokenizer.tokenize(curly)


def test_possessive_leaves_the_bare_word(tokenizer: Tokenizer) -> None:
    """“Iran’s” is the term for Iran: the clitic carries nothing."""
    assert tokenizer.tokenize("“Iran’s”") == tokenizer.tokenize("Iran")


def test_normalize_is_nfkc_with_straight_quotes() -> None:
    """Full-width letters and ligatures fold by NFKC; curly quotes become straight."""
    assert normalize("ＩＲＡＮ’s ﬁre") == "IRAN's fire"
    assert normalize("“x”") == '"x"'


def test_case_folding_and_stemming(tokenizer: Tokenizer) -> None:
    """Case and inflection don't matter: "Strikes" and "striking" share the stem of "strike"."""
    assert tokenizer.tokenize("STRIKES") == tokenizer.tokenize("strike")
    assert tokenizer.tokenize("Negotiations") == tokenizer.tokenize("negotiation")
    assert tokenizer.tokenize("STRASSE") == tokenizer.tokenize("straße")


def test_stopwords_and_punctuation_give_no_terms(tokenizer: Tokenizer) -> None:
    """A text of stopwords, punctuation and emoji has no terms at all."""
    assert tokenizer.tokenize("Who is it that was there, and why?!") == []
    assert tokenizer.tokenize("... ??? --- 🙂🎉 “” ’") == []


def test_terms_keep_order_and_repeats(tokenizer: Tokenizer) -> None:
    """Terms come in text order, repeats kept (BM25 counts them)."""
    assert tokenizer.tokenize("Gaza war, Gaza talks") == ["gaza", "war", "gaza", "talk"]


def test_dotted_abbreviations_and_numbers_stay_whole(tokenizer: Tokenizer) -> None:
    """ "U.S." and "3.5" are not stemmed or split."""
    assert tokenizer.tokenize("U.S.") == ["u.s"]
    assert "3.5" in tokenizer.tokenize("a 3.5 percent rise")


@pytest.mark.parametrize(
    "dash",
    ["-", "\u2010", "\u2011"],
)
def test_hyphenated_compound_yields_parts_and_closed_form(tokenizer: Tokenizer, dash: str) -> None:
    """ "cease-fire" gives the terms of "cease", "fire" and "ceasefire" (any hyphen character)."""
    terms = tokenizer.tokenize(f"cease{dash}fire")
    assert set(terms) == set(tokenizer.tokenize("cease fire")) | set(tokenizer.tokenize("ceasefire"))


def test_en_dash_separates_words(tokenizer: Tokenizer) -> None:
    """An en or em dash separates words; it doesn't make a compound."""
    assert tokenizer.tokenize("Israel–Hamas war") == tokenizer.tokenize("Israel Hamas war")
    assert tokenizer.tokenize("talks—and hostages") == tokenizer.tokenize("talks and hostages")


SENTENCES = [
    "By 1979, Saudi arms purchases from the US exceeded five times Israel's.",
    'He said "no." Then it ended.',
    "It moved to the U.S.",
    "“Iran’s cease-fire,” he said (maybe.)",
    "Talks resumed at 5 p.m.",
    "",
    "Is it over? Really!",
    "Möngke took the children.",
]


def test_tokenize_many_gives_each_text_its_own_terms(tokenizer: Tokenizer) -> None:
    """One pass over several texts gives what each text gives alone, final periods and clitics included."""
    assert tokenizer.tokenize_many(SENTENCES) == [tokenizer.tokenize(text) for text in SENTENCES]
    assert tokenizer.tokenize_many([]) == []


def test_tokenize_many_with_the_separator_in_a_text(tokenizer: Tokenizer) -> None:
    """A text holding the private-use separator still gets its own terms, and the count of results is right."""
    texts = ["Blinken met \ue000 Netanyahu.", "Then he left."]
    assert tokenizer.tokenize_many(texts) == [tokenizer.tokenize(text) for text in texts]


def test_tokenize_all_gives_each_text_its_own_terms_in_capped_groups(
    tokenizer: Tokenizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Short texts are tokenized together, never more than BATCH_CHARS at once unless one text is longer."""
    long_text = "The ferry leaves at noon. " * (tokens.BATCH_CHARS // 20)
    texts = [*SENTENCES, long_text, *SENTENCES, *SENTENCES * 40]
    groups: list[int] = []
    tokenize_many = tokenizer.tokenize_many

    def counted(group: list[str]) -> list[list[str]]:
        groups.append(sum(map(len, group)))
        return tokenize_many(group)

    monkeypatch.setattr(tokenizer, "tokenize_many", counted)
    assert list(tokenizer.tokenize_all(texts)) == [tokenizer.tokenize(text) for text in texts]
    assert len(groups) < len(texts) / 4  # short texts went together
    assert all(size <= tokens.BATCH_CHARS or size == len(long_text) for size in groups)
    assert list(tokenizer.tokenize_all([])) == []


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("Who did Blinken meet in Saudi Arabia?", {"blinken", "saudi", "arabia"}),
        ("What did NSFNET provide?", {"nsfnet"}),
        ("Where did Möngke die?", {"mongk"}),
        ("Kublai Khan founded what?", {"khan"}),  # the first word starts a sentence
        ("It ended in 1271. Kublai then ruled?", set()),
        ("Who was Mr. Smith?", {"mr", "smith"}),  # "Mr." ends no sentence
        ("who did blinken meet?", set()),
        ("Who was the Duke of Normandy's heir?", {"duke", "normandi"}),
    ],
)
def test_name_terms_are_the_capitalized_words_inside_a_sentence(
    tokenizer: Tokenizer, question: str, names: set[str]
) -> None:
    """Words capitalized where no sentence starts are names; their terms are the index's terms."""
    assert tokenizer.name_terms(question) == names
    assert names <= set(tokenizer.tokenize(question))


def test_in_capitals_every_term_is_a_name(tokenizer: Tokenizer) -> None:
    """A question in capitals leaves no term out of the names (the first word is a stopword here)."""
    question = "WHO WAS THE DUKE OF NORMANDY?"
    assert tokenizer.name_terms(question) == set(tokenizer.tokenize(question))


def _matching(tokenizer: Tokenizer, passages: list[str], question: str) -> list[int]:
    engine = RankBM25Engine([tokenizer.tokenize(text) for text in passages])
    scores = engine.scores(tokenizer.tokenize(question))
    return [position for position, score in enumerate(scores) if score > 0]


def test_cease_fire_matches_ceasefire_and_cease_fire(tokenizer: Tokenizer) -> None:
    """The question "cease-fire" finds passages saying "ceasefire" and "cease fire"."""
    passages = ["They agreed a ceasefire.", "A cease fire was agreed.", "Rain is expected tomorrow."]
    assert _matching(tokenizer, passages, "cease-fire") == [0, 1]


def test_ceasefire_and_cease_fire_match_cease_fire(tokenizer: Tokenizer) -> None:
    """The other direction: "ceasefire" and "cease fire" both find a passage saying "cease-fire"."""
    passages = ["Terms for a cease-fire remained open.", "Rain is expected tomorrow."]
    assert _matching(tokenizer, passages, "ceasefire") == [0]
    assert _matching(tokenizer, passages, "cease fire") == [0]


def test_builtin_stopwords_cover_common_function_words() -> None:
    """The project's list has the usual English function words and the clitic fragments."""
    assert {"the", "is", "who", "did", "s", "t", "ll", "don't"} <= ENGLISH_STOPWORDS
    assert Tokenizer("builtin").stopwords == ENGLISH_STOPWORDS


_DATA_PATH_SCRIPT = textwrap.dedent(
    """
    import json
    import nltk

    def forbidden(*args, **kwargs):
        raise AssertionError("nltk.download was called")

    nltk.download = forbidden
    import nltk.downloader
    nltk.downloader.download = forbidden

    from index.passage_index import Analyzer
    from index.tokens import Tokenizer
    tokenizer = Tokenizer("auto")
    analyzer = Analyzer()
    print(json.dumps({
        "fingerprint": tokenizer.fingerprint,
        "analyzer": analyzer.fingerprint,
        "stopwords": sorted(tokenizer.stopwords),
        "terms": tokenizer.tokenize("“Iran’s” cease-fire talks were held in the U.S."),
    }))
    """
)


def test_nltk_data_stopwords_are_used_and_nothing_downloads(
    run_python, shared_nltk_data: Path, tokenizer: Tokenizer
) -> None:
    """With NLTK_DATA set, NLTK's stopwords corpus is used (fingerprint says so) and nltk.download is never called."""
    result = run_python(_DATA_PATH_SCRIPT, env={"NLTK_DATA": str(shared_nltk_data)})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["fingerprint"] != tokenizer.fingerprint
    assert "nltk-stopwords" in report["fingerprint"]
    assert "punkt_tab" in report["analyzer"]
    nltk_words = set((shared_nltk_data / "corpora" / "stopwords" / "english").read_text(encoding="utf-8").split())
    assert nltk_words <= set(report["stopwords"])
    assert report["terms"] == tokenizer.tokenize("“Iran’s” cease-fire talks were held in the U.S.")


def test_without_nltk_data_the_builtin_stopwords_are_used(run_python, tokenizer: Tokenizer) -> None:
    """With NLTK's search path empty, "auto" uses the built-in stopwords and never downloads."""
    code = textwrap.dedent(
        """
        import nltk
        nltk.data.path.clear()
        def forbidden(*args, **kwargs):
            raise AssertionError("nltk.download was called")
        nltk.download = forbidden
        from index.tokens import Tokenizer
        tokenizer = Tokenizer("auto")
        print(tokenizer.fingerprint)
        print(" ".join(tokenizer.tokenize("Who did Blinken meet in Saudi Arabia?")))
        """
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    fingerprint, terms = result.stdout.strip().split("\n")
    assert fingerprint == tokenizer.fingerprint
    assert terms.split() == tokenizer.tokenize("Who did Blinken meet in Saudi Arabia?")


@pytest.mark.parametrize(
    ("form", "base"),
    [
        ("took", "take"),
        ("taken", "take"),
        ("began", "begin"),
        ("begun", "begin"),
        ("went", "go"),
        ("gone", "go"),
        ("wrote", "write"),
        ("written", "write"),
        ("fought", "fight"),
        ("built", "build"),
        ("led", "lead"),
        ("men", "man"),
        ("children", "child"),
        ("crises", "crisis"),
        ("added", "add"),
        ("adding", "add"),
        ("stuffed", "stuff"),
    ],
)
def test_irregular_forms_share_the_term_of_their_base(tokenizer: Tokenizer, form: str, base: str) -> None:
    """Irregular forms Snowball leaves apart ("took", "children") give the term of their base word."""
    assert tokenizer.tokenize(form) == tokenizer.tokenize(base)
    assert tokenizer.tokenize(form.capitalize() + ".") == tokenizer.tokenize(base)


def test_irregular_form_matches_a_regular_inflection(tokenizer: Tokenizer) -> None:
    """A question saying "began" finds the passage saying "begins", and "took" finds "taking"."""
    passages = ["The crisis begins in October.", "Troops were taking the fort.", "Rain is expected tomorrow."]
    assert _matching(tokenizer, passages, "When did the crisis begin?") == [0]
    assert _matching(tokenizer, passages, "began") == [0]
    assert _matching(tokenizer, passages, "Who took the fort?") == [1]


def test_a_double_consonant_base_matches_its_past(tokenizer: Tokenizer) -> None:
    """Snowball cuts "added" to "ad" but leaves "add": "i added a plugin" finds "add a plugin", not an "ad"."""
    passages = ["To add a plugin, list it in the config.", "Each ad is shown once."]
    assert _matching(tokenizer, passages, "i added a plugin") == [0]
    assert _matching(tokenizer, passages, "adding") == [0]


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("hooks vs plugins, whats the difference?", "hooks or plugins, what's the difference?"),
        ("my handler doesnt return anything", "my handler doesn't return anything"),
        ("im stuck, u know why?", "I'm stuck, you know why?"),
        ("theres no page", "there's no page"),
    ],
)
def test_contractions_typed_without_apostrophe_are_stopwords(tokenizer: Tokenizer, typed: str, written: str) -> None:
    """People drop apostrophes in chat: "whats" and "doesnt" give no term, as "what's" and "doesn't" give none."""
    assert tokenizer.tokenize(typed) == tokenizer.tokenize(written)


def test_contractions_that_are_words_stay_terms(tokenizer: Tokenizer) -> None:
    """ "id", "ill", "well" and "lets" are words of their own, not contractions to drop."""
    for word in ("id", "ill", "well", "lets"):
        assert tokenizer.tokenize(word), word


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("favicon.ico", ["favicon.ico", "favicon", "ico"]),
        ("docs/img/", ["docs/img/", "doc", "img"]),
        ("mkdocs.yml", ["mkdocs.yml", "mkdoc", "yml"]),
        ("3.5", ["3.5"]),
        ("1.x", ["1.x"]),
        ("e.g.", ["e.g"]),
        ("u.s", ["u.s"]),
    ],
)
def test_a_file_name_or_path_is_also_its_words(tokenizer: Tokenizer, text: str, terms: list[str]) -> None:
    """ "favicon.ico" gives its own term and its words'; numbers and one-letter abbreviations stay whole."""
    assert tokenizer.tokenize(text) == terms


def test_a_file_name_finds_its_word_and_the_whole_name_ranks_first(tokenizer: Tokenizer) -> None:
    """ "i dropped my favicon.ico into docs/img/" finds a passage about the favicon; "mkdocs.yml" the exact name."""
    passages = ["Changing the favicon: put your own icon in the img folder.", "Rain is expected tomorrow."]
    assert _matching(tokenizer, passages, "favicon.ico") == [0]
    exact = ["Edit mkdocs.yml to add it.", "MkDocs reads YAML files.", "Rain is expected tomorrow."]
    scores = RankBM25Engine([tokenizer.tokenize(text) for text in exact]).scores(tokenizer.tokenize("mkdocs.yml"))
    assert scores[0] > scores[1] > 0


def test_won_is_a_word_not_a_clitic(tokenizer: Tokenizer) -> None:
    """ "won" (NLTK's stopword list holds it for "won't") is the past of "win"; "won't" is no win."""
    assert tokenizer.tokenize("They won the war") == tokenizer.tokenize("They win the war")
    assert tokenizer.tokenize("won") == tokenizer.tokenize("win")
    assert "win" not in tokenizer.tokenize("They won't stop")


def test_irregular_table_is_consistent() -> None:
    """Each form maps to a base that isn't a stopword, differs from it, and isn't itself a listed form."""
    assert len(IRREGULAR_FORMS) > 100
    for form, base in IRREGULAR_FORMS.items():
        assert form != base
        assert base not in ENGLISH_STOPWORDS
        assert base not in IRREGULAR_FORMS
    # Ambiguous forms with a common meaning of their own are deliberately absent.
    assert not {"left", "found", "felt", "ground", "bound", "lay"} & set(IRREGULAR_FORMS)


def test_fingerprint_names_the_irregular_forms(tokenizer: Tokenizer) -> None:
    """Indexes built before the irregular-forms table are rebuilt: the fingerprint says which terms they hold."""
    assert "irregular" in tokenizer.fingerprint
