"""Accept an uploaded file into the corpus safely, and take a release out of it without losing it.

Why this module exists: the UI lets anyone who can reach it add files to the corpus, so nothing about an
upload is trusted. Its name may carry a path (``../../etc/passwd.txt``, ``C:\\evil\\x.md``), its extension
may lie about its content, and it may hold no text at all (a scanned PDF, an empty page). A file is
accepted only when it is what it claims to be and has text worth indexing; it then gets a plain, safe name
in ``corpus_dir`` and is written atomically, so an ingest running meanwhile sees either nothing or the
whole file. A removed release is moved to ``index_dir/removed/``, never deleted: a wrong click is undone
by moving the file back.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from assistant.ingest.loaders import CorpusFileError, load_text
from assistant.settings import Settings

ALLOWED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")
TEXT_SUFFIXES = {".txt", ".md", ".html", ".htm"}
#: Letters a file must yield to be worth indexing: a title and a sentence or two. A scanned PDF without a
#: text layer, or a page that is all scripts and menus, yields (almost) none.
MIN_LETTERS = 200
MAX_NAME_CHARS = 80
REMOVED_DIR = "removed"


class UploadRejected(ValueError):
    """An upload that cannot join the corpus; the message is one user-facing line naming the file."""


class RemovalRefused(ValueError):
    """A removal that would touch something other than a release in the corpus; one line."""


@dataclass(frozen=True)
class Accepted:
    """An upload that is now in the corpus (or was already, byte for byte)."""

    original_name: str
    #: The file in the corpus dir.
    path: Path
    #: The path relative to the corpus dir, as citations and the release picker name it.
    source: str
    letters: int
    #: True when identical content was already in the corpus: nothing was written.
    already_present: bool = False

    @property
    def message(self) -> str:
        """One line for the user saying what happened to the file."""
        name = display_name(self.original_name)
        if self.already_present:
            return f"{name}: already in the corpus as {self.source}; not added again"
        renamed = "" if self.source == name else f" as {self.source}"
        return f"{name}: added{renamed} ({self.letters:,} letters of text)"


# --- names ---------------------------------------------------------------------------------------------
def display_name(original_name: str) -> str:
    """The uploaded file's own name, for messages: the final component, on one line, not too long."""
    final = re.split(r"[/\\]", original_name or "")[-1]
    final = re.sub(r"[\x00-\x1f\x7f-\x9f]+", " ", final).strip() or "(unnamed file)"
    return final if len(final) <= 100 else final[:97] + "..."


def allowed_suffix(original_name: str) -> str:
    """The lower-cased extension if it is one we read; otherwise the upload is rejected."""
    final = unicodedata.normalize("NFKC", re.split(r"[/\\]", original_name or "")[-1]).strip()
    suffix = Path(final).suffix.lower() if "." in final.strip(".") else ""
    if suffix not in ALLOWED_SUFFIXES:
        shown = suffix or "(no extension)"
        raise UploadRejected(
            f"{display_name(original_name)}: unsupported file type {shown}; "
            f"use {', '.join(ALLOWED_SUFFIXES[:-1])} or {ALLOWED_SUFFIXES[-1]}"
        )
    return suffix


def safe_name(original_name: str) -> str:
    """A plain file name for the corpus, built from the upload's name and nothing else of it.

    Only the final component is used (a client may send a whole path, with / or \\); letters are
    NFKC-normalised and stripped of accents; anything but ``[A-Za-z0-9._-]`` becomes ``-``; runs collapse;
    no leading dot (a hidden file, which ingest skips) or dash (read as an option by shell tools).
    """
    suffix = allowed_suffix(original_name)
    final = unicodedata.normalize("NFKC", re.split(r"[/\\]", original_name)[-1]).strip()
    stem = final[: -len(suffix)]
    stem = "".join(c for c in unicodedata.normalize("NFKD", stem) if not unicodedata.combining(c))
    stem = re.sub(r"[^A-Za-z0-9._-]", "-", stem)
    stem = re.sub(r"([._-])[._-]*", r"\1", stem)
    stem = stem[: MAX_NAME_CHARS - len(suffix)].strip("._-") or "release"
    return stem + suffix


# --- content -------------------------------------------------------------------------------------------
def _check_size(path: Path, name: str, max_bytes: int) -> None:
    size = path.stat().st_size
    if size == 0:
        raise UploadRejected(f"{name}: the file is empty")
    if size > max_bytes:
        raise UploadRejected(
            f"{name}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.1f} MB limit (ASSISTANT_MAX_FILE_BYTES)"
        )


def _check_kind(data: bytes, suffix: str, name: str) -> None:
    """The content must be what the extension says: a renamed binary is not a release."""
    if suffix == ".pdf":
        if not data.startswith(b"%PDF"):
            raise UploadRejected(f"{name}: is not a PDF (it does not start with %PDF)")
        return
    if b"\x00" in data:
        raise UploadRejected(f"{name}: is not text (it holds NUL bytes; a binary file renamed {suffix}?)")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadRejected(f"{name}: is not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc


def _check_text(tmp: Path, suffix: str, name: str, max_bytes: int) -> int:
    """Read the file as ingest will; it must yield enough letters. Returns their count."""
    try:
        text = load_text(tmp, max_bytes)
    except CorpusFileError as exc:
        reason = " ".join(str(exc).replace(str(tmp), "").split()).lstrip(": ")
        raise UploadRejected(f"{name}: {reason}") from exc
    letters = sum(1 for c in text if c.isalpha())
    if letters < MIN_LETTERS:
        hint = {
            ".pdf": "a scanned PDF needs OCR first",
            ".html": "the page has no text outside scripts and menus",
            ".htm": "the page has no text outside scripts and menus",
        }.get(suffix, "a release needs at least a title and a paragraph")
        raise UploadRejected(
            f"{name}: too little readable text ({letters} letters, at least {MIN_LETTERS} needed); {hint}"
        )
    return letters


# --- placing the file ----------------------------------------------------------------------------------
def _same_content(data: bytes, corpus: Path) -> Path | None:
    """A corpus file holding exactly these bytes, if any."""
    digest = hashlib.sha256(data).digest()
    for p in sorted(corpus.rglob("*")):
        if p.name.startswith(".") or not p.is_file() or p.stat().st_size != len(data):
            continue
        if hashlib.sha256(p.read_bytes()).digest() == digest:
            return p
    return None


def _free_name(corpus: Path, name: str) -> Path:
    """``name``, or ``stem-2.ext``, ``stem-3.ext``… whichever is not taken yet."""
    target = corpus / name
    suffix = Path(name).suffix
    stem = name[: len(name) - len(suffix)]
    n = 2
    while target.exists() or target.is_symlink():
        target = corpus / f"{stem}-{n}{suffix}"
        n += 1
    return target


def _write_temp(data: bytes, corpus: Path, suffix: str) -> Path:
    """The bytes in a hidden temp file beside their final place (ingest skips dot files), synced."""
    fd, tmp = tempfile.mkstemp(prefix=".upload-", suffix=suffix, dir=corpus)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return Path(tmp)


def _lock(settings: Settings) -> FileLock:
    # In index_dir, not corpus_dir: the corpus holds releases only. One lock for uploads and removals, so
    # two uploads of one name never pick the same free name.
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(settings.index_dir / ".corpus-change.lock"), timeout=60)


def accept(upload_path: Path, original_name: str, settings: Settings) -> Accepted:
    """Check an uploaded file and place it in ``settings.corpus_dir`` under a safe name.

    Raises ``UploadRejected`` (one line naming the file) for a wrong or lying type, an empty or too large
    file, or one without readable text. Identical content already in the corpus is reported, not copied.
    The caller ingests afterwards; the file is only ever visible in the corpus whole.
    """
    name = display_name(original_name)
    target_name = safe_name(original_name)
    suffix = Path(target_name).suffix
    upload_path = Path(upload_path)
    _check_size(upload_path, name, settings.ingest.max_file_bytes)
    data = upload_path.read_bytes()
    _check_kind(data, suffix, name)
    corpus = Path(settings.corpus_dir)
    corpus.mkdir(parents=True, exist_ok=True)
    tmp = _write_temp(data, corpus, suffix)
    try:
        letters = _check_text(tmp, suffix, name, settings.ingest.max_file_bytes)
        with _lock(settings):
            existing = _same_content(data, corpus)
            if existing is not None:
                return Accepted(original_name, existing, _relative(existing, corpus), letters, True)
            target = _free_name(corpus, target_name)
            os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return Accepted(original_name, target, target.name, letters)


def _relative(path: Path, corpus: Path) -> str:
    return path.resolve().relative_to(corpus.resolve()).as_posix()


# --- removal -------------------------------------------------------------------------------------------
def resolve_source(source: str, settings: Settings) -> Path:
    """The corpus file a source names, refusing anything that would reach outside the corpus dir."""
    parts = [p for p in re.split(r"[/\\]", source or "") if p not in ("", ".")]
    if not parts or ".." in parts or Path(source).is_absolute() or re.match(r"^[A-Za-z]:", source):
        raise RemovalRefused(f"{source!r} is not a release in the corpus")
    corpus = Path(settings.corpus_dir).resolve()
    path = corpus.joinpath(*parts)
    if corpus not in path.resolve().parents:
        raise RemovalRefused(f"{source}: leads outside the corpus (a symlink?); not removed")
    if not path.is_file():
        raise RemovalRefused(f"{source}: is not in the corpus (already removed?)")
    return path


def removed_dir(settings: Settings) -> Path:
    """Where removed releases are kept: ``index_dir/removed``."""
    return Path(settings.index_dir) / REMOVED_DIR


def remove(source: str, settings: Settings) -> Path:
    """Take a release out of the corpus by moving it to ``index_dir/removed/<timestamp>-<name>``.

    Nothing is deleted: moving the file back into the corpus and ingesting restores the release. Returns
    where the file went. The caller ingests afterwards, so the index forgets it.
    """
    path = resolve_source(source, settings)
    dest_dir = removed_dir(settings)
    dest_dir.mkdir(parents=True, exist_ok=True)
    with _lock(settings):
        stamp = time.strftime("%Y%m%d-%H%M%S")
        dest = _free_name(dest_dir, f"{stamp}-{path.name}")
        shutil.move(str(path), str(dest))
    return dest


__all__ = [
    "ALLOWED_SUFFIXES",
    "Accepted",
    "RemovalRefused",
    "UploadRejected",
    "accept",
    "remove",
    "removed_dir",
    "safe_name",
]
