"""YAML highlighting when tree-sitter is installed (`textual[syntax]`), plain text otherwise."""

from __future__ import annotations

from importlib.util import find_spec


def yaml_language() -> str | None:
    """'yaml' only if both tree-sitter and its YAML grammar import.

    With tree-sitter but no grammar, TextArea raises instead of falling back, so check both.
    """
    if find_spec("tree_sitter") is None or find_spec("tree_sitter_yaml") is None:
        return None
    return "yaml"
