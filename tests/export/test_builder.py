"""What an export contains: the runtime byte for byte, a checked flow, clean generated code,
and a wheel pip can trust."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from export_support import ROOT

from convodesk.export import (
    ExportError,
    ExportResult,
    check_package_name,
    export_package,
    package_version,
    plan_package,
)
from convodesk.runtime import Flow, content_hash

RUNTIME = ROOT / "src" / "convodesk" / "runtime"


def test_runtime_is_copied_byte_for_byte(exported: ExportResult) -> None:
    source = {
        p.relative_to(RUNTIME).as_posix(): p.read_bytes()
        for p in RUNTIME.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    }
    prefix = "src/acme_bot/runtime/"
    copied = {k.removeprefix(prefix): v for k, v in exported.plan.files.items() if prefix in k}
    assert "understanding/__init__.py" in copied  # subpackages too
    assert copied == source
    for rel, data in copied.items():
        assert (exported.out / prefix / rel).read_bytes() == data


def test_wrapper_is_the_tested_module_with_its_imports_redirected(exported: ExportResult) -> None:
    original = (ROOT / "src" / "convodesk" / "export" / "bot.py").read_text().splitlines()
    copied = (exported.out / "src" / "acme_bot" / "bot.py").read_text().splitlines()
    changed = [(a, b) for a, b in zip(original, copied, strict=True) if a != b]
    assert changed and all(
        a.startswith("from ..runtime") and b == a.replace("from ..", "from .", 1)
        for a, b in changed
    )


def test_flow_json_is_the_flow(exported: ExportResult, example_flow: Flow) -> None:
    text = (exported.out / "src" / "acme_bot" / "flow.json").read_text()
    assert Flow.model_validate_json(text) == example_flow
    assert content_hash(Flow.model_validate_json(text)) == exported.plan.flow_hash
    init = (exported.out / "src" / "acme_bot" / "__init__.py").read_text()
    assert f"FLOW_HASH = {exported.plan.flow_hash!r}" in init
    assert (exported.out / "src" / "acme_bot" / "py.typed").exists()
    pyproject = (exported.out / "pyproject.toml").read_text()
    assert 'dependencies = ["pydantic>=2.7,<3"]' in pyproject
    assert 'acme_bot = ["flow.json", "py.typed"]' in pyproject
    assert "bot.resume(saved)" in (exported.out / "README.md").read_text()


def test_generated_code_passes_ruff(exported: ExportResult) -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (it comes with the test extras)")
    pkg = exported.out / "src" / "acme_bot"
    result = subprocess.run(
        [ruff, "check", "--config", str(ROOT / "pyproject.toml"), "--no-cache",
         str(pkg / "__init__.py"), str(pkg / "bot.py")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_wheel_records_every_file_with_its_digest(exported: ExportResult) -> None:
    assert exported.wheel is not None and exported.wheel.name == "acme_bot-1-py3-none-any.whl"
    with zipfile.ZipFile(exported.wheel) as wheel:
        names = wheel.namelist()
        record = wheel.read("acme_bot-1.dist-info/RECORD").decode().splitlines()
        metadata = wheel.read("acme_bot-1.dist-info/METADATA").decode()
        for line in record:
            path, digest, size = line.rsplit(",", 2)
            if path.endswith("RECORD"):
                assert (digest, size) == ("", "")
                continue
            data = wheel.read(path)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert digest == f"sha256={expected.decode()}" and int(size) == len(data)
        assert sorted(line.split(",")[0] for line in record) == sorted(names)
        packaged = {n: wheel.read(n) for n in names if not n.startswith("acme_bot-1.dist-info")}
    assert packaged == exported.plan.package_files
    assert "Name: acme_bot\nVersion: 1\n" in metadata
    assert "Requires-Dist: pydantic>=2.7,<3" in metadata
    assert "Requires-Python: >=3.11" in metadata


def test_wheel_is_reproducible(tmp_path: Path, example_flow: Flow, exported: ExportResult) -> None:
    again = export_package(example_flow, tmp_path / "again", "acme_bot", wheel=True)
    assert again.wheel is not None and exported.wheel is not None
    assert again.wheel.read_bytes() == exported.wheel.read_bytes()


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("acme_bot", None),
        ("AcmeBot2", None),
        ("acme-bot", "not a valid Python identifier"),
        ("2bot", "not a valid Python identifier"),
        ("acmé", "not a valid Python identifier"),
        ("", "not a valid Python identifier"),
        ("class", "is a Python keyword"),
        ("json", "would shadow the module 'json'"),
        ("pydantic", "would shadow the module 'pydantic'"),
        ("convodesk", "would shadow the module 'convodesk'"),
    ],
)
def test_package_names(name: str, problem: str | None) -> None:
    found = check_package_name(name)
    assert (found is None) if problem is None else (found is not None and problem in found)


@pytest.mark.parametrize(
    ("flow_version", "expected"), [(1, "1"), ("2.10", "2.10"), ("beta-2", "0+beta.2"), ("~", "0")]
)
def test_package_version_is_pep440(flow_version: int | str, expected: str) -> None:
    assert package_version(flow_version) == expected


def test_a_runtime_reaching_outside_itself_is_not_exported(
    tmp_path: Path, example_flow: Flow
) -> None:
    fake = tmp_path / "runtime"
    shutil.copytree(RUNTIME, fake, ignore=shutil.ignore_patterns("__pycache__"))
    (fake / "understanding" / "llm.py").write_text("from convodesk.llm import client\n")
    with pytest.raises(ExportError, match=r"understanding/llm.py imports convodesk.llm"):
        plan_package(example_flow, "acme_bot", runtime_dir=fake)
    (fake / "understanding" / "llm.py").write_text("from ...cli import app\n")
    with pytest.raises(ExportError, match="outside its package"):
        plan_package(example_flow, "acme_bot", runtime_dir=fake)


def test_force_replaces_only_what_the_export_owns(tmp_path: Path, example_flow: Flow) -> None:
    out = tmp_path / "bot"
    export_package(example_flow, out, "acme_bot", wheel=True)
    stale = out / "src" / "acme_bot" / "runtime" / "removed_module.py"
    stale.write_text("")
    mine = out / "deploy.sh"
    mine.write_text("#!/bin/sh\n")
    with pytest.raises(ExportError, match="is not empty; pass --force"):
        export_package(example_flow, out, "acme_bot")
    export_package(example_flow, out, "acme_bot", force=True)
    assert not stale.exists() and mine.exists()
    assert not list((out / "dist").glob("*.whl"))  # an old wheel would not match the new tree
