from pathlib import Path

import pytest

from assistant.core.errors import CorpusError
from assistant.core.settings import PROJECT_ROOT
from assistant.core.text import sentences
from assistant.ingest.corpus import corpus_hash, load_corpus, load_document, parse_document

SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"

EXPECTED_SECTIONS = {
    "mayo-symptoms-causes": ["Overview", "Symptoms", "Types of paraneoplastic syndromes",
                             "When to see a doctor", "Causes", "Risk factors", "References"],
    "mayo-diagnosis-treatment": ["Diagnosis", "Clinical exam", "Laboratory tests", "Imaging tests",
                                 "Treatment", "Medications", "Other medical treatments", "Other therapies",
                                 "Coping and support", "Preparing for your appointment", "What you can do",
                                 "What to expect from your doctor", "References"],
}


def test_real_corpus_has_the_pages_sections_and_front_matter():
    docs = {d.doc_id: d for d in load_corpus(PROJECT_ROOT / "corpus")}
    assert set(docs) == set(EXPECTED_SECTIONS)
    for doc_id, headings in EXPECTED_SECTIONS.items():
        assert [s.heading for s in docs[doc_id].sections] == headings
        assert docs[doc_id].source == "Mayo Clinic"
        assert docs[doc_id].reviewed == "2022-03-26"
    assert docs["mayo-symptoms-causes"].page == "Symptoms & causes"
    assert docs["mayo-diagnosis-treatment"].page == "Diagnosis & treatment"


def test_site_chrome_is_gone():
    text = "".join(d.text for d in load_corpus(PROJECT_ROOT / "corpus"))
    for chrome in ("Associated Procedures", "News from Mayo Clinic", "Products & Services",
                   "care at Mayo Clinic"):
        assert chrome not in text


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds not beside the checkout")
def test_every_corpus_sentence_is_verbatim_from_the_seeds():
    seeds = " ".join(p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt"))
    seeds = " ".join(seeds.split())
    for doc in load_corpus(PROJECT_ROOT / "corpus"):
        for section in doc.sections:
            for sentence, _, _ in sentences(doc.text[section.start:section.end]):
                assert " ".join(sentence.split()) in seeds, sentence


def test_plain_text_without_front_matter_is_accepted(tmp_path: Path):
    path = tmp_path / "notes.txt"
    path.write_text("First line of text. Second sentence.\n", encoding="utf-8")
    doc = load_document(path)
    assert doc.title == "notes"
    assert [s.heading for s in doc.sections] == ["notes"]
    body = doc.text[doc.sections[0].start:doc.sections[0].end]
    assert body.strip() == "First line of text. Second sentence."


def test_offsets_index_the_body():
    doc = parse_document("---\ntitle: T\n---\nIntro text.\n## A\nAlpha.\n## B\nBeta.\n", "x.md")
    assert [(s.heading, doc.text[s.start:s.end].strip()) for s in doc.sections] == [
        ("T", "Intro text."), ("A", "Alpha."), ("B", "Beta.")]


@pytest.mark.parametrize("content, message", [
    ("", "has no text"),
    ("---\ntitle: Only front matter\n---\n\n## Heading\n", "has no text"),
    ("---\ntitle: T\nno colon here\n---\nText.", "line 3 is not 'key: value'"),
    ("---\ntitle: T\nauthor: Me\n---\nText.", "unknown key 'author'"),
    ("---\ntitle: T\nreviewed: March 2022\n---\nText.", "must be a date"),
    ("---\ntitle: T\nText without a closing line.", "no closing '---'"),
])
def test_bad_documents_are_clear_errors_naming_the_file(tmp_path: Path, content: str, message: str):
    path = tmp_path / "bad.md"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        load_document(path)
    assert str(path) in str(info.value) and message in str(info.value)


def test_bad_encoding_names_the_file_and_byte(tmp_path: Path):
    path = tmp_path / "latin1.md"
    path.write_bytes("Caf\xe9 text.".encode("latin-1"))
    with pytest.raises(CorpusError, match=r"latin1.md: is not UTF-8 text \(bad byte 0xe9"):
        load_document(path)


def test_empty_or_missing_corpus_folder(tmp_path: Path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope")
    with pytest.raises(CorpusError, match="has no documents"):
        load_corpus(tmp_path)


def test_corpus_hash_changes_with_content(toy_corpus: Path):
    before = corpus_hash(toy_corpus)
    assert corpus_hash(toy_corpus) == before
    (toy_corpus / "toy.md").write_text("---\ntitle: T\n---\nChanged.", encoding="utf-8")
    assert corpus_hash(toy_corpus) != before
