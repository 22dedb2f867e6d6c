"""Section-aware, sentence-aligned chunking.

Rules (see ChunkingSettings):

* a chunk never crosses a section, never splits a sentence, never splits a bullet;
* a long bullet (``long_bullet_chars`` or more, e.g. each syndrome type) is a chunk of its own,
  continuation paragraphs included (a lead-in sentence ending in ":" right before it joins it);
* whole paragraphs are packed when they fit ``max_chars``; a longer paragraph is packed by sentence;
* otherwise neighbouring sentences and short bullets of a section share a chunk up to ``max_chars``;
  a lead-in sentence ending in ":" starts a new chunk when it and its list would not fit the current one.

>>> from assistant.ingest.corpus import parse_document
>>> doc = parse_document("## S\\nOne two. Three four.\\n\\nList:\\n- a\\n- b\\n", "d.md")
>>> [c.text for c in chunk_document(doc, ChunkingSettings())]
['One two. Three four.\\n\\nList:\\n- a\\n- b']
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from assistant.core.settings import ChunkingSettings
from assistant.core.text import sentences
from assistant.core.types import Chunk, Document

_BULLET_LINE = re.compile(r"^[ \t]{0,1}(?:[-*•]|\d+[.)])[ \t]+", re.MULTILINE)


@dataclass(frozen=True)
class _Unit:
    """An unsplittable piece of a section: one sentence, or one whole bullet."""

    start: int
    end: int
    is_bullet: bool

    @property
    def size(self) -> int:
        return self.end - self.start


def chunk_corpus(documents: list[Document], settings: ChunkingSettings) -> list[Chunk]:
    return [chunk for doc in documents for chunk in chunk_document(doc, settings)]


def chunk_document(doc: Document, settings: ChunkingSettings) -> list[Chunk]:
    chunks: list[Chunk] = []
    excluded = {h.lower() for h in settings.excluded_sections}
    for section in doc.sections:
        if section.heading.lower() in excluded:
            continue
        units = _units(doc.text, section.start, section.end, settings.max_chars)
        for first, last in _pack(units, doc.text, settings):
            chunks.append(_make_chunk(doc, section.heading, first.start, last.end))
    return chunks


def _units(text: str, start: int, end: int, max_chars: int) -> list[_Unit]:
    """Split a section into bullets (with their indented continuation) and paragraphs/sentences."""
    units: list[_Unit] = []
    starts = [m.start() for m in _BULLET_LINE.finditer(text, start, end)]
    boundaries = sorted(set([start, *starts, end]))
    for seg_start, seg_end in zip(boundaries, boundaries[1:], strict=False):
        if seg_start in starts:
            bullet_end = _bullet_end(text, seg_start, seg_end)
            body = sentences(text[seg_start:bullet_end])
            if body:
                units.append(_Unit(seg_start + body[0][1], seg_start + body[-1][2], True))
            seg_start = bullet_end
        units.extend(_paragraph_units(text, seg_start, seg_end, max_chars))
    return units


def _paragraph_units(text: str, start: int, end: int, max_chars: int) -> list[_Unit]:
    """Each paragraph is one unit when it fits ``max_chars``, else one unit per sentence."""
    units: list[_Unit] = []
    for para in re.finditer(r"\S(?:.|\n(?![ \t]*\n))*", text[start:end]):
        spans = sentences(para.group())
        if not spans:
            continue
        offset = start + para.start()
        if spans[-1][2] - spans[0][1] <= max_chars:
            units.append(_Unit(offset + spans[0][1], offset + spans[-1][2], False))
        else:
            units.extend(_Unit(offset + s, offset + e, False) for _, s, e in spans)
    return units


def _bullet_end(text: str, start: int, limit: int) -> int:
    """A bullet runs until a blank line followed by a non-indented line (or the next bullet)."""
    for match in re.finditer(r"\n[ \t]*\n(?=\S)", text[start:limit]):
        return start + match.start()
    return limit


def _pack(units: list[_Unit], text: str, settings: ChunkingSettings) -> list[tuple[_Unit, _Unit]]:
    spans: list[tuple[_Unit, _Unit]] = []
    buffer: list[_Unit] = []

    def flush() -> None:
        if buffer:
            spans.append((buffer[0], buffer[-1]))
            buffer.clear()

    for i, unit in enumerate(units):
        if unit.is_bullet and unit.size >= settings.long_bullet_chars:
            lead_in = buffer.pop() if buffer and _is_lead_in(buffer[-1], text) else None
            flush()
            spans.append((lead_in or unit, unit))
            continue
        size = unit.size
        if _is_lead_in(unit, text):
            size = _group_end(units, i, settings) - unit.start
        if buffer and (unit.start + size - buffer[0].start) > settings.max_chars:
            flush()
        buffer.append(unit)
    flush()
    return spans


def _is_lead_in(unit: _Unit, text: str) -> bool:
    return not unit.is_bullet and text[unit.end - 1] == ":"


def _group_end(units: list[_Unit], lead_in: int, settings: ChunkingSettings) -> int:
    """End offset of a lead-in sentence plus the short bullets that follow it."""
    end = units[lead_in].end
    for unit in units[lead_in + 1:]:
        if not unit.is_bullet or unit.size >= settings.long_bullet_chars:
            break
        end = unit.end
    return end


def _make_chunk(doc: Document, section: str, start: int, end: int) -> Chunk:
    text = doc.text[start:end]
    return Chunk(
        chunk_id=Chunk.make_id(doc.doc_id, section, text),
        doc_id=doc.doc_id,
        doc_title=doc.display_title,
        section=section,
        text=text,
        start=start,
        end=end,
        source=doc.source,
        reviewed=doc.reviewed,
    )


def describe(chunks: list[Chunk]) -> str:
    """One line on chunk count and size distribution, e.g. for ``assistant index``."""
    if not chunks:
        return "0 chunks"
    sizes = sorted(len(c.text) for c in chunks)
    q = statistics.quantiles(sizes, n=4) if len(sizes) > 1 else [sizes[0]] * 3
    return (
        f"{len(chunks)} chunks from {len({c.doc_id for c in chunks})} documents; characters per chunk: "
        f"min {sizes[0]}, p25 {q[0]:.0f}, median {q[1]:.0f}, p75 {q[2]:.0f}, max {sizes[-1]}"
    )
