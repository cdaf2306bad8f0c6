"""The derived tables of one index generation, saved beside it: versioned, checksummed numpy arrays.

Why: everything the answer path needs besides Chroma's vector search (BM25 postings, sentence spans,
concept statistics, sentence and word vectors) is a pure function of the generation's chunks. Recomputing
it at every start cost a minute at 10,000 releases, and embedding candidate sentences at question time cost
most of each answer. Ingest computes it once and writes it here before it flips the pointer, so a
generation and its tables become live together.

Why this format: plain ``.npy`` arrays (memory-mapped on load, so a 10,000-release corpus costs only the
pages a question touches) plus one JSON manifest holding the format version, the generation's name, the
small string tables, and a CRC-32 for every file. numpy and JSON are read without running code (unlike
pickle). A folder whose version, generation or checksums do not match is never trusted: the caller
rebuilds it from the Chroma records and says so.

    >>> save(folder, "release_chunks-1-ab", {"x": np.arange(3)}, {"sources": ["a.txt"]})  # doctest: +SKIP
    >>> arrays, info = load(folder, "release_chunks-1-ab")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import shutil
import time
import zlib
from pathlib import Path
from typing import Any

import numpy as np

#: Bump when the arrays or their meaning change: an older folder is then rebuilt, never misread.
FORMAT = 3
MANIFEST = "manifest.json"


class TablesInvalid(RuntimeError):
    """The saved tables cannot be used (missing, another version or generation, damaged); one line."""


def folder_for(index_dir: Path, collection: str) -> Path:
    return Path(index_dir) / "tables" / collection


def _crc(path: Path) -> str:
    crc = 0
    with open(path, "rb") as f:
        while block := f.read(1 << 23):
            crc = zlib.crc32(block, crc)
    return f"{crc:08x}"


def save(folder: Path, generation: str, arrays: dict[str, np.ndarray], info: dict[str, Any]) -> Path:
    """Write the tables to a temporary folder, then rename it into place (a reader sees all or nothing)."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".{folder.name}.tmp-{os.getpid()}-{time.time_ns()}"
    tmp.mkdir()
    try:
        files = {}
        for name, arr in arrays.items():
            path = tmp / f"{name}.npy"
            np.save(path, np.ascontiguousarray(arr), allow_pickle=False)
            files[name] = {"crc32": _crc(path), "bytes": path.stat().st_size}
        info_path = tmp / "info.json"
        info_path.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
        files["info"] = {"crc32": _crc(info_path), "bytes": info_path.stat().st_size}
        manifest = {"format": FORMAT, "generation": generation, "created": time.time(), "files": files}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        if folder.exists():  # a stale or damaged copy: replaced, never merged
            shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


def load(folder: Path, generation: str) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The arrays (memory-mapped, read-only) and the info dict; ``TablesInvalid`` says why not."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TablesInvalid(f"no saved tables for {generation}") from None
    except (OSError, ValueError) as exc:
        raise TablesInvalid(f"the tables manifest in {folder} is unreadable ({type(exc).__name__})") from exc
    if manifest.get("format") != FORMAT:
        raise TablesInvalid(f"the tables in {folder} are format {manifest.get('format')}, not {FORMAT}")
    if manifest.get("generation") != generation:
        raise TablesInvalid(
            f"the tables in {folder} belong to {manifest.get('generation')}, not {generation}"
        )
    files = manifest.get("files") or {}
    if "info" not in files:
        raise TablesInvalid(f"the tables manifest in {folder} lists no info file")
    for name, want in files.items():
        path = folder / ("info.json" if name == "info" else f"{name}.npy")
        try:
            if path.stat().st_size != want["bytes"] or _crc(path) != want["crc32"]:
                raise TablesInvalid(f"{path.name} in {folder} does not match its checksum")
        except OSError as exc:
            raise TablesInvalid(f"{path.name} in {folder} is missing or unreadable") from exc
    try:
        info = json.loads((folder / "info.json").read_text(encoding="utf-8"))
        arrays = {
            name: np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            for name in files
            if name != "info"
        }
    except (OSError, ValueError) as exc:
        raise TablesInvalid(f"the tables in {folder} are unreadable ({type(exc).__name__})") from exc
    return arrays, info


def remove_except(index_dir: Path, keep: set[str], grace: float) -> list[str]:
    """Delete the tables of generations that are gone (and temporary folders older than ``grace``)."""
    root = Path(index_dir) / "tables"
    removed = []
    if not root.is_dir():
        return removed
    now = time.time()
    for path in root.iterdir():
        if path.name.startswith("."):
            try:
                old = now - path.stat().st_mtime >= grace
            except OSError:
                continue
            if not old:
                continue
        elif path.name in keep:
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path.name)
    return removed
