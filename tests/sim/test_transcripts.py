"""Transcripts: byte-stable for a seed, readable back, and never half-written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from convodesk.runtime.model import Flow
from convodesk.sim import transcripts
from convodesk.sim.transcripts import read_transcript, write_transcript

from .conftest import make_persona
from .helpers import converse


def test_same_seed_gives_byte_identical_files(tiny_flow: Flow, tmp_path: Path) -> None:
    persona = make_persona(behavior={"verbosity": "chatty"})
    a = write_transcript(converse(tiny_flow, persona, seed=7), tmp_path / "a")
    b = write_transcript(converse(tiny_flow, persona, seed=7), tmp_path / "b")
    assert a.read_bytes() == b.read_bytes()
    assert a == tmp_path / "a" / "tiny" / "buyer.yaml"
    texts = {
        write_transcript(converse(tiny_flow, persona, seed=s), tmp_path / str(s)).read_text()
        for s in range(6)
    }
    assert len(texts) > 1


def test_round_trip_and_numbered_names(tiny_flow: Flow, tmp_path: Path) -> None:
    c = converse(tiny_flow, make_persona())
    path = write_transcript(c, tmp_path, numbered=True)
    assert path.name == "buyer.0.yaml"
    back = read_transcript(path)
    assert back.route == "warm" and back.slots["size"] == 500 and back.passed
    assert back.conversation[0].bot is not None and "AI assistant" in back.conversation[0].bot
    assert "2026-01-15" in path.read_text()


def test_a_failed_write_leaves_the_old_file(
    tiny_flow: Flow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = converse(tiny_flow, make_persona())
    path = write_transcript(c, tmp_path)
    before = path.read_bytes()

    def broken(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(transcripts.os, "replace", broken)
    with pytest.raises(OSError):
        write_transcript(converse(tiny_flow, make_persona(profile={"company_size": 9})), tmp_path)
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == ["buyer.yaml"]
