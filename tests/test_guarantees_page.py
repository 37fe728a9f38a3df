"""The Guarantees page cannot rot: every test it names exists, every promise names one."""

from __future__ import annotations

import importlib
import re

from tests.helpers.paths import REPO

PAGE = REPO / "docs" / "guarantees.md"
NODE_ID = re.compile(r"`(tests/[\w/]+\.py)::([\w:]+)`")


def promises() -> list[str]:
    """Each bullet of the page with its continuation lines joined."""
    items: list[str] = []
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        if line.startswith("- "):
            items.append(line[2:])
        elif line.startswith("  ") and items:
            items[-1] += " " + line.strip()
    return items


def resolves(path: str, name: str) -> bool:
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    target: object = module
    for part in name.split("::"):
        target = getattr(target, part, None)
    return callable(target) and name.split("::")[-1].startswith("test")


def test_every_named_test_exists() -> None:
    named = NODE_ID.findall(PAGE.read_text(encoding="utf-8"))
    assert len(named) > 50
    missing = [f"{path}::{name}" for path, name in named if not resolves(path, name)]
    assert missing == []


def test_every_promise_is_one_sentence_followed_by_its_tests() -> None:
    items = promises()
    assert len(items) > 20
    for item in items:
        promise, separator, tests = item.partition(" Tests: ")
        assert separator, f"no tests named for: {item[:80]}"
        assert NODE_ID.search(tests), f"no test node id in: {item[:80]}"
        assert NODE_ID.sub("", tests).strip(" ,.") == "", f"stray text after the tests: {tests}"
        assert promise.endswith("."), promise
        assert not re.search(r"[.!?] [A-Z]", promise), f"more than one sentence: {promise}"


def test_the_page_is_in_the_documentation() -> None:
    index = (REPO / "docs" / "index.md").read_text(encoding="utf-8")
    assert re.search(r"^guarantees$", index, re.MULTILINE)
