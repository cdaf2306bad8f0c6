"""The folders show the stages, and imports run one way: a module imports only its own stage or the
stages below it, and never another module's private names. Read from the code's own imports (ast).

    text < ingest < index < reading < facts < answering < checking < surfaces < evaluation < cli
    (types.py and settings.py are below them all)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

PACKAGE = Path(__file__).resolve().parent.parent / "assistant"
ORDER = [
    "types",
    "settings",
    "text",
    "ingest",
    "index",
    "reading",
    "facts",
    "answering",
    "checking",
    "surfaces",
    "evaluation",
    "cli",
    "__main__",
    "__init__",
]


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports():
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(rel.parts).removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assistant"):
                yield module, node.module, [a.name for a in node.names]


def test_imports_run_down_the_stages_only():
    upward = [
        f"{m} imports {target}"
        for m, target, _ in _imports()
        if _stage(m) != "__init__" and ORDER.index(_stage(target)) > ORDER.index(_stage(m))
    ]
    assert not upward, upward


def test_no_module_imports_another_modules_private_names():
    private = [
        f"{m} imports {target}.{n}" for m, target, names in _imports() for n in names if n.startswith("_")
    ]
    assert not private, private


def test_every_module_lives_in_a_stage_folder():
    assert {p.parent.name for p in PACKAGE.rglob("*.py") if p.parent != PACKAGE} <= set(ORDER) | {"assistant"}
