import re

from assistant.core.settings import PROJECT_ROOT, ChunkingSettings
from assistant.core.text import sentences
from assistant.ingest.chunking import chunk_corpus, chunk_document, describe
from assistant.ingest.corpus import load_corpus, parse_document

SETTINGS = ChunkingSettings()


def real_chunks():
    docs = load_corpus(PROJECT_ROOT / "corpus")
    return docs, chunk_corpus(docs, SETTINGS)


def test_every_sentence_lies_whole_in_exactly_one_chunk():
    docs, chunks = real_chunks()
    for doc in docs:
        own = [c for c in chunks if c.doc_id == doc.doc_id]
        for section in doc.sections:
            if section.heading == "References":
                continue
            for _, start, end in sentences(doc.text[section.start:section.end]):
                start, end = section.start + start, section.start + end
                holders = [c for c in own if c.start <= start and end <= c.end]
                assert len(holders) == 1, doc.text[start:end]


def test_every_bullet_lies_whole_in_one_chunk():
    docs, chunks = real_chunks()
    for doc in docs:
        for match in re.finditer(r"^- (.+)$", doc.text, re.MULTILINE):
            start, end = match.start(1), match.end(1)
            if any(s.heading == "References" and s.start <= start < s.end for s in doc.sections):
                continue
            assert any(c.doc_id == doc.doc_id and c.start <= start and end <= c.end for c in chunks)


def test_chunk_text_is_the_documents_text_at_its_offsets():
    docs, chunks = real_chunks()
    by_id = {d.doc_id: d for d in docs}
    for chunk in chunks:
        assert by_id[chunk.doc_id].text[chunk.start:chunk.end] == chunk.text
        assert chunk.embed_text == f"{chunk.section} — {chunk.text}"


def test_each_syndrome_type_is_its_own_chunk():
    _, chunks = real_chunks()
    types = [c for c in chunks if c.section == "Types of paraneoplastic syndromes"]
    names = ["Cerebellar degeneration", "Limbic encephalitis", "Encephalomyelitis", "Opsoclonus-myoclonus",
             "Stiff person syndrome", "Myelopathy", "Lambert-Eaton myasthenic syndrome",
             "Myasthenia gravis", "Neuromyotonia", "Peripheral neuropathy", "Dysautonomia"]
    assert len(types) == len(names)
    for chunk, name in zip(types, names, strict=True):
        starts = [n for n in names if re.search(rf"(^|\n- ){re.escape(n)}\b", chunk.text)]
        assert starts == [name], chunk.text[:80]
    lambert = next(c for c in types if "Lambert-Eaton myasthenic syndrome. This" in c.text)
    assert lambert.text.endswith("typically associated with lung cancer.")  # continuation kept


def test_references_stay_out_of_retrieval():
    _, chunks = real_chunks()
    assert all("Accessed Jan." not in c.text for c in chunks)
    assert all(c.section != "References" for c in chunks)


def test_ids_are_stable_across_runs_and_unique():
    _, first = real_chunks()
    _, second = real_chunks()
    assert [c.chunk_id for c in first] == [c.chunk_id for c in second]
    assert len({c.chunk_id for c in first}) == len(first)


def test_small_sentences_share_a_chunk_and_max_chars_is_respected():
    doc = parse_document("## S\nOne. Two. Three.\n\nFour is here.\n", "d.md")
    assert [c.text for c in chunk_document(doc, SETTINGS)] == ["One. Two. Three.\n\nFour is here."]
    tight = ChunkingSettings(max_chars=100)
    long_para = " ".join(f"Sentence number {i} is right here." for i in range(8))
    chunks = chunk_document(parse_document(f"## S\n{long_para}\n", "d.md"), tight)
    assert len(chunks) > 1 and all(len(c.text) <= 100 for c in chunks)
    assert " ".join(c.text for c in chunks) == long_para


def test_a_sentence_longer_than_max_chars_is_kept_whole():
    sentence = "This " + "very " * 60 + "long sentence ends here."
    chunks = chunk_document(parse_document(f"## S\n{sentence}\n", "d.md"), ChunkingSettings(max_chars=100))
    assert [c.text for c in chunks] == [sentence]


def test_lead_in_joins_its_list_or_the_long_bullet_after_it():
    text = "## S\nIntro sentence here.\n\nIt includes:\n\n- " + "Long bullet. " * 15 + "\n- Short one\n"
    chunks = chunk_document(parse_document(text, "d.md"), SETTINGS)
    assert chunks[1].text.startswith("It includes:\n\n- Long bullet.")


def test_describe_reports_count_and_sizes():
    _, chunks = real_chunks()
    line = describe(chunks)
    assert line.startswith(f"{len(chunks)} chunks from 2 documents") and "median" in line
