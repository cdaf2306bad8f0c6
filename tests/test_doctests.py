"""The examples in the docstrings run: each public class's or function's example is a doctest.

Why a test module rather than ``--doctest-modules``: the examples belong to the unit tier (they use no
model and no index), and a module here carries that marker; examples that need a built index are marked
``+SKIP`` in the docstring and run as integration tests instead.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import assistant

pytestmark = pytest.mark.unit

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(assistant.__path__, "assistant.") if not m.name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(
        module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False
    )
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


def test_the_main_classes_show_an_example():
    """The classes a user or contributor starts from each carry a runnable (or skipped) example."""
    from assistant.answering.extractive import ExtractiveAnswerer
    from assistant.index.builder import Ingestor
    from assistant.index.knowledge import Knowledge
    from assistant.settings import Settings
    from assistant.surfaces.service import Assistant

    for cls in (Assistant, Settings, ExtractiveAnswerer, Knowledge, Ingestor):
        doc = (cls.__doc__ or "") + (importlib.import_module(cls.__module__).__doc__ or "")
        assert ">>>" in doc, f"{cls.__name__} has no example"
