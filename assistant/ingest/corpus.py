"""Load source documents from ``corpus/``.

A document is Markdown (``.md``) or plain text (``.txt``), optionally opened by a small front-matter
header::

    ---
    title: Paraneoplastic syndromes of the nervous system
    source: Mayo Clinic
    page: Symptoms & causes
    reviewed: 2022-03-26
    ---

    ## Overview
    Paraneoplastic syndromes of the nervous system are ...

``#``-headings start sections; text before the first heading belongs to a section named after the
document. Every problem is a :class:`CorpusError` that names the file.

>>> doc = parse_document("---\\ntitle: T\\n---\\n## Causes\\nImmune cells.\\n", "d.md")
>>> doc.title, [s.heading for s in doc.sections], doc.text[doc.sections[0].start:].strip()
('T', ['Causes'], 'Immune cells.')
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from assistant.core.errors import CorpusError
from assistant.core.types import Document, Section

SUFFIXES = (".md", ".markdown", ".txt")
FRONT_MATTER_KEYS = ("title", "source", "page", "url", "reviewed")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


def corpus_files(corpus_dir: Path) -> list[Path]:
    """The document files of a corpus folder, sorted by name (hidden files skipped)."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"The corpus folder {corpus_dir} does not exist.")
    files = sorted(
        p for p in corpus_dir.iterdir()
        if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
    )
    if not files:
        raise CorpusError(
            f"The corpus folder {corpus_dir} has no documents (expected {', '.join(SUFFIXES)} files)."
        )
    return files


def corpus_hash(corpus_dir: Path) -> str:
    """sha256 over every document's name and bytes: changes whenever the corpus does."""
    digest = hashlib.sha256()
    for path in corpus_files(corpus_dir):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_corpus(corpus_dir: Path) -> list[Document]:
    """Every document of the folder, parsed; raises CorpusError on the first bad file."""
    return [load_document(path) for path in corpus_files(corpus_dir)]


def load_document(path: Path) -> Document:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot be read ({exc.strerror}).") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{path}: is not UTF-8 text (bad byte 0x{raw[exc.start]:02x} at position {exc.start}); "
            "save it as UTF-8."
        ) from exc
    return parse_document(text, str(path))


def parse_document(text: str, path: str) -> Document:
    """Parse a document's text; ``path`` names it in errors and gives its id."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta, body = _split_front_matter(text, path)
    if not _strip_headings(body).strip():
        raise CorpusError(f"{path}: has no text (only front matter or headings).")
    stem = Path(path).stem
    title = meta.get("title") or _first_heading(body) or stem.replace("-", " ").replace("_", " ")
    return Document(
        doc_id=stem,
        title=title,
        source=meta.get("source", ""),
        page=meta.get("page", ""),
        url=meta.get("url", ""),
        reviewed=meta.get("reviewed", ""),
        text=body,
        sections=_sections(body, title),
        path=path,
    )


def _split_front_matter(text: str, path: str) -> tuple[dict[str, str], str]:
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 3)
    if end == -1 and text.endswith("\n---"):
        end = len(text) - 4
    if end == -1:
        raise CorpusError(f"{path}: front matter starts with '---' but has no closing '---' line.")
    meta: dict[str, str] = {}
    for lineno, line in enumerate(text[4:end].split("\n"), start=2):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if not sep or not key:
            raise CorpusError(f"{path}: front matter line {lineno} is not 'key: value': {line!r}")
        if key not in FRONT_MATTER_KEYS:
            raise CorpusError(
                f"{path}: front matter line {lineno} has unknown key {key!r} "
                f"(known: {', '.join(FRONT_MATTER_KEYS)})."
            )
        meta[key] = value.strip().strip("\"'")
    if "reviewed" in meta and meta["reviewed"]:
        try:
            dt.date.fromisoformat(meta["reviewed"])
        except ValueError as exc:
            raise CorpusError(
                f"{path}: front matter 'reviewed' must be a date like 2022-03-26, got {meta['reviewed']!r}."
            ) from exc
    return meta, text[end + len("\n---\n"):]


def _strip_headings(body: str) -> str:
    return _HEADING.sub("", body)


def _first_heading(body: str) -> str | None:
    match = _HEADING.search(body)
    return match.group(2).strip() if match else None


def _sections(body: str, title: str) -> tuple[Section, ...]:
    """Sections in order; text before the first heading is a section named ``title``."""
    headings = list(_HEADING.finditer(body))
    sections = []
    first_start = headings[0].start() if headings else len(body)
    if body[:first_start].strip():
        sections.append(Section(heading=title, start=0, end=first_start))
    for i, match in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(body)
        start = min(match.end() + 1, end)
        sections.append(Section(heading=match.group(2).strip(), start=start, end=end))
    return tuple(sections)
