"""The Python examples of README.md and python/README.md run as written."""

from __future__ import annotations

import re

import pytest

from conftest import REPO

BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def examples():
    for readme in (REPO / "README.md", REPO / "python" / "README.md"):
        for i, code in enumerate(BLOCK.findall(readme.read_text())):
            yield pytest.param(code, id=f"{readme.relative_to(REPO)}#{i}")


@pytest.mark.parametrize("code", list(examples()))
def test_the_example_runs(code, monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("CXONE_AUDIT_LOG", str(tmp_path / "audit.log"))
    namespace: dict = {}
    exec(compile(code, "<readme>", "exec"), namespace)
    assert namespace, "the example defined nothing"


def test_there_are_examples() -> None:
    assert len(list(examples())) >= 3
