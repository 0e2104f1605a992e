"""A PDF's pages joined: page numbers and running headers and footers out, sentences whole across page breaks."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pdf_files import pdf_with_pages

from index.documents import load_corpus
from index.passages import split_passages
from index.pdf import first_page_title, joined_pages
from index.sentences import SentenceSplitter
from index.store import open_index
from ingest.extract import extract_document

MANUAL = [
    ["Harbour Handbook", "Ferries", "The ferry leaves the north pier every twenty minutes, and the last one", "1"],
    ["Harbour Handbook", "leaves at midnight, every day of the year.", "Tickets are sold at the kiosk.", "- 2 -"],
    ["Harbour Handbook", "Parking", "The car park by the pier is free after six.", "Page 3 of 4"],
    ["Harbour Handbook", "Bicycles travel free on the lower deck.", "4"],
]


def pages_of(manual: list[list[str]]) -> list[str]:
    return ["\n".join(lines) + "\n" for lines in manual]


def test_running_headers_and_page_numbers_are_left_out() -> None:
    text = joined_pages(pages_of(MANUAL))
    assert "Harbour Handbook" not in text
    for number in ("1", "- 2 -", "Page 3 of 4", "4"):
        assert number not in text.split("\n"), number
    assert text.startswith("Ferries\nThe ferry leaves")


def test_a_sentence_runs_on_across_a_page_break_and_a_finished_page_ends_a_paragraph() -> None:
    text = joined_pages(pages_of(MANUAL))
    assert "and the last one\nleaves at midnight, every day of the year." in text
    assert "Tickets are sold at the kiosk.\n\nParking" in text
    sentences = [text[start:end] for start, end in SentenceSplitter("builtin").spans(text, 0)]
    assert any(
        sentence.endswith("and the last one\nleaves at midnight, every day of the year.") for sentence in sentences
    )


def test_a_line_at_the_edge_of_fewer_pages_is_text_and_numbers_in_the_body_stay() -> None:
    """A title on two pages only may be the text's own; a number inside a page is the text's."""
    manual = [
        ["Ferries", "The first ferry leaves at", "6", "in the morning.", "1"],
        ["Ferries", "The fare is the same all day.", "2"],
    ]
    text = joined_pages(pages_of(manual))
    assert text.count("Ferries") == 2
    assert "The first ferry leaves at\n6\nin the morning." in text
    assert text.split("\n")[-1] == "The fare is the same all day."


def test_blank_and_empty_pages_are_skipped() -> None:
    assert joined_pages(["", "  \n", "Only text."]) == "Only text."
    assert joined_pages([]) == ""


def test_an_uploaded_pdf_is_one_text_a_sentence_never_cut_by_its_page_break() -> None:
    document = extract_document(pdf_with_pages(MANUAL), filename="handbook.pdf")
    assert document.kind == "pdf" and not document.markdown
    assert "Harbour Handbook" not in document.text
    passages = split_passages("handbook.pdf", document.text, SentenceSplitter("builtin"))
    assert any("and the last one\nleaves at midnight" in passage.text for passage in passages)


def test_a_table_of_contents_and_an_index_are_left_out() -> None:
    """Their lines point to pages; a sentence with an ellipsis, or a number after it, is the text's."""
    contents = "Table of Contents\n1 Ferries . . . . . . . . . . . 1\n2 Parking ........ 3\nPreface. . . . . . . . iv\n"
    index = "Index\nferry timetable . . . . . . . . 12\n"
    text = joined_pages([contents, "Ferries\nThe ferry waits... and waits.... 20 minutes, at most.\n", index])
    assert text == "Table of Contents\nFerries\nThe ferry waits... and waits.... 20 minutes, at most.\n\nIndex"


@pytest.mark.parametrize(
    ("pages", "title"),
    [
        (["Shared MIME-info Database\nX Desktop Group\n1. Introduction\n"], "Shared MIME-info Database"),
        (["", "  \n", "Libtasn1\nAbstract Syntax Notation One (ASN.1) library\n"], "Libtasn1"),  # the first with text
        (["- 1 -\nHarbour Handbook\n"], None),  # a page number
        (["The ferry leaves the north pier every twenty minutes.\n"], None),  # a sentence
        (["Contents:\nFerries\n"], None),
        (["One two three four five six seven eight nine ten eleven twelve thirteen\n"], None),
        ([], None),
    ],
)
def test_a_pdfs_title_is_what_its_first_page_prints_first(pages: list[str], title: str | None) -> None:
    assert first_page_title(pages) == title


def test_a_word_broken_at_a_line_end_is_whole_when_it_is_an_english_word() -> None:
    text = joined_pages(["The docu-\nment is cre-\nated for self-\ncontained use by Wid-\ngetron."])
    assert text == "The document\nis created\nfor self-\ncontained use by Wid-\ngetron."


def test_a_pdf_in_a_corpus_folder_is_read_answered_and_its_saved_index_reopened(
    make_corpus, index_dir: Path, builtin_analyzer
) -> None:
    corpus = make_corpus({"handbook.pdf": pdf_with_pages(MANUAL), "notes.txt": "Notes about the weather."})
    documents = {document.doc_id: document for document in load_corpus(corpus).documents}
    assert documents["handbook.pdf"].title == "Harbour Handbook"  # what its first page prints first
    opened = open_index(corpus, index_dir, analyzer=builtin_analyzer)
    answer = opened.index.ask("when does the last ferry leave?")
    assert answer.found and answer.passages[0].passage.doc_id == "handbook.pdf"
    assert "the last one\nleaves at midnight, every day of the year." in answer.passages[0].quote
    assert not open_index(corpus, index_dir, analyzer=builtin_analyzer).rebuilt


def test_a_pdf_that_cant_be_read_is_skipped_saying_why(make_corpus) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_with_pages(MANUAL))))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    locked = io.BytesIO()
    writer.write(locked)
    corpus = make_corpus(
        {
            "notes.txt": "Notes.",
            "broken.pdf": b"%PDF-1.4 not really a PDF",
            "locked.pdf": locked.getvalue(),
            "scan.pdf": pdf_with_pages([[]]),
        }
    )
    load = load_corpus(corpus)
    assert [document.doc_id for document in load.documents] == ["notes.txt"]
    broken, locked_warning, scan = sorted(load.warnings)
    assert broken.startswith("skipped broken.pdf: the PDF can't be read (Pdf")  # pypdf's error, by its name
    assert locked_warning == "skipped locked.pdf: the PDF is encrypted: use an unprotected copy"
    assert scan == "skipped scan.pdf: no text found in the PDF (a scan needs OCR first)"
