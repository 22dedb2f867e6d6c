from assistant.core.text import clean_text, sentences, tokenize
from assistant.search.bm25 import BM25


def test_sentences_keep_offsets_and_skip_bullet_markers():
    text = "It is rare. Dr. Smith agrees.\n\nList:\n- One item\n- Two"
    spans = sentences(text)
    assert [s for s, _, _ in spans] == ["It is rare.", "Dr. Smith agrees.", "List:", "One item", "Two"]
    assert all(text[a:b] == s for s, a, b in spans)


def test_sentences_do_not_break_after_abbreviations_or_initials():
    assert len(sentences("Tests, e.g. an MRI, help. Jan. 12 is fine. J. Dalmau wrote it.")) == 3


def test_clean_text_normalises_unicode_and_strips_controls():
    assert clean_text("ｆｕｌｌ\u200bwidth\x00  text\u00a0here") == "fullwidth text here"
    assert clean_text("\n\n\n a \n\n\n\n b ") == "a \n\n b"


def test_tokenize_lowercases_drops_stopwords_and_stems():
    assert tokenize("The Seizures are SPREADING") == ["seizur", "spread"]
    assert tokenize("seizure") == tokenize("seizures")


def test_bm25_by_hand():
    # N=3, df(tumor)=2: idf = ln(1 + 1.5/2.5) = ln 1.6 = 0.470; avgdl = 5/3
    # doc0 (len 2): 0.470 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 1.2)) = 0.434
    # doc2 (len 1): 0.470 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 0.6)) = 0.562
    bm25 = BM25([["tumor", "spread"], ["immun", "system"], ["tumor"]])
    assert [round(float(s), 3) for s in bm25.scores(["tumor"])] == [0.434, 0.0, 0.562]
    assert list(bm25.scores(["unknown"])) == [0.0, 0.0, 0.0]
    assert list(BM25([]).scores(["x"])) == []
