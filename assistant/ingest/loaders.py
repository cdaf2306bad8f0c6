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
class HiddenText:
    """Text an HTML page carries but a browser does not show (kept out of the index; ingest scores it)."""

    line: int
    how: str
    text: str


@dataclass(frozen=True)
class SourceDocument:
    source: str  # path relative to the corpus dir, with forward slashes
    text: str
    metadata: dict[str, str] = field(default_factory=dict)
    #: Text of an HTML page that a browser would not show, left out of ``text`` (scored at ingest).
    hidden: tuple[HiddenText, ...] = ()

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


_WHITE = r"(?:#fff(?:fff)?|white|rgba?\(\s*255\s*,\s*255\s*,\s*255)"
_HIDING = [
    ("display:none", re.compile(r"display\s*:\s*none")),
    ("visibility:hidden", re.compile(r"visibility\s*:\s*(?:hidden|collapse)")),
    ("font-size:0", re.compile(r"font-size\s*:\s*0(?:\.0+)?(?:px|em|rem|pt|%)?\s*(?:;|$|!)")),
    ("opacity:0", re.compile(r"opacity\s*:\s*0(?:\.0+)?\s*(?:;|$|!)")),
    ("off-screen", re.compile(r"(?:^|;|\s)(?:left|top|right|text-indent|margin-left)\s*:\s*-\d{3,}")),
    ("scale(0)", re.compile(r"transform\s*:\s*scale\(\s*0(?:\.0+)?\s*\)")),
    ("clipped", re.compile(r"clip\s*:\s*rect\(\s*0|clip-path\s*:\s*inset\(\s*50%")),
    ("zero size", re.compile(r"(?:height|width)\s*:\s*[01]px[^;]*;(?=.*overflow\s*:\s*hidden)")),
    ("zero size", re.compile(r"overflow\s*:\s*hidden[^;]*;(?=.*(?:height|width)\s*:\s*[01]px)")),
]


def _hiding(style: str) -> str | None:
    """How a CSS declaration block hides its element, if it does. A browser computes this; no library
    here does (cssutils parses CSS but does not cascade it), so the common ways of hiding text are listed:
    the ways a page hides text from a reader while keeping it in the markup."""
    decl = re.sub(r"\s+", " ", style.lower())
    for how, pattern in _HIDING:
        if pattern.search(decl + ";"):
            return how
    color = re.search(r"(?:^|;|\s)color\s*:\s*([^;!]+)", decl)
    background = re.search(r"background(?:-color)?\s*:\s*([^;!]+)", decl)
    if color:
        c = color.group(1).strip()
        if background and background.group(1).strip().startswith(c):
            return "text colour = background"
        if not background and re.fullmatch(_WHITE + r".*", c):
            return "white text"
    return None


def _hidden_elements(soup) -> list[tuple[object, str]]:
    found: list[tuple[object, str]] = []
    for tag in soup.find_all(["template", "noscript"]):
        found.append((tag, f"<{tag.name}>"))
    for tag in soup.find_all(hidden=True):
        found.append((tag, "hidden attribute"))
    for tag in soup.find_all(style=True):
        if how := _hiding(tag["style"]):
            found.append((tag, how))
    for block in soup.find_all("style"):
        for selectors, decls in re.findall(r"([^{}@]+)\{([^{}]*)\}", block.get_text()):
            how = _hiding(decls)
            if not how:
                continue
            for selector in selectors.split(","):
                try:
                    found += [(tag, f"{how} ({selector.strip()})") for tag in soup.select(selector.strip())]
                except Exception:  # a selector soupsieve does not support (pseudo-elements, …)
                    continue
    return found


def _html_parts(markup: str) -> tuple[str, list[HiddenText]]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    hidden: list[HiddenText] = []
    for tag, how in _hidden_elements(soup):
        if tag.decomposed:
            continue
        text = " ".join(tag.get_text(" ").split())
        if text:
            hidden.append(HiddenText(tag.sourceline or 0, how, text))
        tag.decompose()
    for tag in soup(["script", "style", "nav", "footer", "header", "aside", "form"]):
        tag.decompose()
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in soup.get_text("\n").splitlines()]
    return "\n".join(line for line in lines if line), hidden


def _html_text(markup: str) -> str:
    """The text a reader sees: hidden elements (by style, attribute, <template>, <noscript>), scripts
    and page chrome are left out. Comments never reach get_text."""
    return _html_parts(markup)[0]


_TEXT_ATTRIBUTES = ("alt", "title", "aria-label", "aria-description")


def _attribute_text(markup: str) -> list[HiddenText]:
    """Text carried in attributes (meta descriptions, alt and title text, data-* values): never part of
    the indexed text, but a place to plant instructions for tools that read the markup."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    out: list[HiddenText] = []
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            wanted = (
                name in _TEXT_ATTRIBUTES
                or name.startswith("data-")
                or (tag.name == "meta" and name == "content")
            )
            if wanted and len(text.split()) >= 4:
                out.append(HiddenText(tag.sourceline or 0, f"{tag.name} {name}", " ".join(text.split())))
    return out


def hidden_html_text(path: Path, max_bytes: int = 20_000_000) -> list[HiddenText]:
    """What ``load_text`` left out of an HTML file because a browser would not show it."""
    if path.suffix.lower() not in HTML_SUFFIXES or path.stat().st_size > max_bytes:
        return []
    markup = path.read_bytes().decode("utf-8-sig", errors="replace")
    hidden = _html_parts(markup)[1]
    hidden += _attribute_text(markup)
    for m in re.finditer(r"<!--(.*?)-->", markup, re.DOTALL):
        text = " ".join(m.group(1).split())
        if text:
            hidden.append(HiddenText(markup.count("\n", 0, m.start()) + 1, "HTML comment", text))
    return hidden


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
