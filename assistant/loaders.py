"""Read corpus files into plain text.

Why a text is kept exactly as read: every citation's ``start``/``end`` are offsets into the text this module
returns, so for .txt and .md that is the file's own text, character for character. For .html and .pdf it is
the text the parser (beautifulsoup4 / pypdf) extracts, which ``load_text`` reproduces deterministically.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES


class CorpusFileError(Exception):
    """A corpus file that cannot be read as text; the message is one line naming the file."""


@dataclass(frozen=True)
class SourceDocument:
    source: str  # path relative to the corpus dir, with forward slashes
    text: str
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def load_text(path: Path, max_bytes: int = 20_000_000) -> str:
    """Return the text of one file; raise CorpusFileError with a one-line reason if it is not usable."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise CorpusFileError(f"{path}: unsupported file type {suffix or '(none)'}")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise CorpusFileError(f"{path}: {size} bytes is over the {max_bytes}-byte limit (max_file_bytes)")
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise CorpusFileError(f"{path}: vanished before it could be read") from exc
    except OSError as exc:
        raise CorpusFileError(f"{path}: cannot be read ({exc.strerror})") from exc
    if suffix in PDF_SUFFIXES:
        return _pdf_text(path, data)
    if b"\x00" in data[:8192]:
        raise CorpusFileError(f"{path}: looks binary (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusFileError(f"{path}: is not UTF-8 text (byte {exc.start})") from exc
    # Offsets are taken on this string; newline style is normalised so a CRLF copy cites the same spans.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if suffix in HTML_SUFFIXES:
        return _html_text(text)
    return text


def _html_text(markup: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "footer", "header", "aside", "form"]):
        tag.decompose()
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in soup.get_text("\n").splitlines()]
    return "\n".join(line for line in lines if line)


def _pdf_text(path: Path, data: bytes) -> str:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise CorpusFileError(f"{path}: broken PDF ({exc})") from exc
    return "\n".join(p.strip() for p in pages if p.strip())


def discover(paths: list[Path], corpus_dir: Path) -> list[Path]:
    """Supported files under the given paths, sorted; symlinks that leave the corpus dir are skipped."""
    root = corpus_dir.resolve()
    found: list[Path] = []
    for p in paths:
        if not p.exists():
            continue
        candidates = [p] if p.is_file() else sorted(x for x in p.rglob("*") if x.is_file())
        for c in candidates:
            if c.suffix.lower() not in SUPPORTED_SUFFIXES or any(
                part.startswith(".") for part in c.parts[-1:]
            ):
                continue
            real = c.resolve()
            if root not in real.parents:  # a symlink (or a symlinked folder) leading out of the corpus
                continue
            found.append(c)
    return sorted(set(found))


def relative_source(path: Path, corpus_dir: Path) -> str:
    try:
        return path.resolve().relative_to(corpus_dir.resolve()).as_posix()
    except ValueError:
        return path.name


_META_PATTERNS = {
    # "(Press release, Ipsen, JUN 20, 2025, View Source [SID1234654020])": the aggregator's own byline.
    "byline": re.compile(
        r"\(Press release,\s*(?P<publisher>[^,]+),\s*(?P<date>[A-Z]{3}\s+\d{1,2},\s*\d{4})"
        r"(?:,[^\[\)]*\[(?P<source_id>[A-Z]+\d+)\])?"
    ),
    "dateline": re.compile(r"^On (?P<date>[A-Z][a-z]+ \d{1,2}, \d{4})"),
}


def parse_metadata(text: str, source: str) -> dict[str, str]:
    """Title, publisher, date and source id when the text states them; absent keys are simply left out."""
    meta: dict[str, str] = {"source": source}
    m = _META_PATTERNS["byline"].search(text[:3000])
    if m:
        meta["publisher"] = m.group("publisher").strip()
        meta["date"] = _iso_date(m.group("date"))
        if m.group("source_id"):
            meta["source_id"] = m.group("source_id")
    else:
        d = _META_PATTERNS["dateline"].search(text)
        if d:
            meta["date"] = _iso_date(d.group("date"))
    first_line = text.strip().split("\n", 1)[0].strip()
    if 0 < len(first_line) <= 160 and not first_line.endswith("."):
        meta["title"] = first_line
    else:
        meta["title"] = Path(source).stem.replace("-", " ").replace("_", " ")
    return meta


def _iso_date(raw: str) -> str:
    from datetime import datetime

    raw = re.sub(r"\s+", " ", raw.strip().replace(",", ", ")).replace(" ,", ",")
    raw = re.sub(r",\s+", ", ", raw)
    for fmt in ("%b %d, %Y", "%B %d, %Y"):
        try:
            return datetime.strptime(raw.title(), fmt).date().isoformat()
        except ValueError:
            continue
    return raw
