"""One settings object: sections, ASSISTANT_* variables, overrides, and the generated docs/settings.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings

pytestmark = pytest.mark.unit


def test_settings_env_and_overrides(tmp_path):
    env = {"ASSISTANT_INDEX_DIR": str(tmp_path), "ASSISTANT_TOP_K": "9", "ASSISTANT_MIN_COVERAGE": "0.5"}
    s = Settings.from_env(env)
    assert s.index_dir == Path(tmp_path).resolve() and s.retrieval.top_k == 9 and s.answer.min_coverage == 0.5
    assert Settings.from_env(env, top_k=3).retrieval.top_k == 3


def test_every_setting_is_in_one_section_with_a_description():
    from assistant.settings import describe

    rows = describe()
    names = [env for _, env, _, _ in rows]
    assert len(names) == len(set(names)) >= 60
    assert all(doc.strip() and "\n" not in doc for *_, doc in rows)
    s = Settings().replace(top_k=3, port=9000, align_share=0.5)
    assert (s.retrieval.top_k, s.ui.port, s.check.align_share) == (3, 9000, 0.5)
    with pytest.raises(ValueError, match="unknown setting"):
        Settings().replace(no_such_knob=1)
    with pytest.raises(ValueError, match="cannot read"):
        Settings.from_env({"ASSISTANT_TOP_K": "many"})


def test_docs_list_every_setting_as_the_cli_prints_them():
    from assistant.cli import settings_markdown

    doc = (Path(__file__).resolve().parent.parent / "docs" / "settings.md").read_text(encoding="utf-8")
    assert doc == settings_markdown(), (
        "docs/settings.md is stale: run `assistant settings --markdown > docs/settings.md`"
    )
