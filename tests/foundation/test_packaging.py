"""What a package index and `pip show` read: a license file, project URLs, classifiers, and the
optional keyring extra (also in the test extra, so the keyring tests run in CI)."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def test_the_license_file_is_shipped_and_matches_the_declared_license():
    assert PROJECT["license"] == "MIT" and PROJECT["license-files"] == ["LICENSE"]
    text = (REPO / "LICENSE").read_text()
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text


def test_project_urls_and_classifiers_are_declared():
    assert all(url.startswith("https://") for url in PROJECT["urls"].values())
    assert {"Homepage", "Documentation"} <= set(PROJECT["urls"])
    classifiers = PROJECT["classifiers"]
    assert "Environment :: Console" in classifiers
    assert f"Programming Language :: Python :: {PROJECT['requires-python'].lstrip('>=')}" in classifiers
    assert not any(c.startswith("License ::") for c in classifiers)  # PEP 639: the expression says it


def test_keyring_is_an_optional_extra_and_a_test_dependency():
    extras = PROJECT["optional-dependencies"]
    assert extras["keyring"] == ["keyring>=24"]
    assert "keyring>=24" in extras["test"]
    assert not any(dep.startswith("keyring") for dep in PROJECT["dependencies"])
