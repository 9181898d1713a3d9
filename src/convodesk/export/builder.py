"""Render an exported package: the runtime copied byte for byte, the compiled flow, a wrapper.

Everything is rendered in memory first (`plan_package`), so the directory and the wheel are
written from the very same bytes, and nothing is written when a check fails.
"""

from __future__ import annotations

import ast
import keyword
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from convodesk import __version__ as CONVODESK_VERSION

from ..runtime.fingerprint import content_hash
from ..runtime.model import Flow
from . import templates
from .wheel import WheelMetadata, write_wheel

RUNTIME_DIR = Path(__file__).resolve().parents[1] / "runtime"
WRAPPER = Path(__file__).resolve().with_name("bot.py")
# The runtime needs pydantic 2; the lower bound is convodesk's own.
REQUIRES = ("pydantic>=2.7,<3",)
REQUIRES_PYTHON = ">=3.11"
# Names an exported package must not take: they would shadow what it imports.
RESERVED = frozenset({"convodesk", "pydantic", "pydantic_core", "typing_extensions", "runtime"})


class ExportError(Exception):
    """An export that must not happen: a bad package name, an occupied folder, a runtime that
    would not work outside convodesk."""


@dataclass(frozen=True)
class PackagePlan:
    """The files of an exported package, relative to its root folder."""

    package: str
    version: str
    flow: Flow
    flow_hash: str
    files: dict[str, bytes] = field(default_factory=dict)

    @property
    def package_files(self) -> dict[str, bytes]:
        """The import package's files as wheel archive paths (`acme_bot/...`)."""
        prefix = "src/"
        return {p.removeprefix(prefix): d for p, d in self.files.items() if p.startswith(prefix)}


@dataclass(frozen=True)
class ExportResult:
    out: Path
    plan: PackagePlan
    written: list[Path]
    wheel: Path | None = None


def check_package_name(name: str) -> str | None:
    """Why `name` cannot be an exported package's import name, or None if it can."""
    if not name.isascii() or not name.isidentifier():
        return f"package name '{name}' is not a valid Python identifier (use letters, digits and _)"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return f"package name '{name}' is a Python keyword"
    if name in sys.stdlib_module_names or name in RESERVED:
        return f"package name '{name}' would shadow the module '{name}'"
    return None


def package_version(flow_version: int | str) -> str:
    """The flow's version as a PEP 440 version: `3` stays `3`, `beta-2` becomes `0+beta.2`."""
    text = str(flow_version).strip()
    if re.fullmatch(r"\d+(\.\d+)*", text):
        return text
    local = ".".join(re.findall(r"[A-Za-z0-9]+", text)).lower()
    return f"0+{local}" if local else "0"


def _check_imports(rel: str, source: bytes, max_level: int) -> None:
    """A copied module may import only inside its package: no convodesk, no escaping `..`."""
    for node in ast.walk(ast.parse(source, rel)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level > max_level:
                raise ExportError(f"{rel} imports from outside its package (level {node.level})")
            names = [node.module or ""] if node.level == 0 else []
        for imported in names:
            if imported.split(".")[0] == "convodesk":
                raise ExportError(f"{rel} imports {imported}, which an exported package lacks")


def _runtime_files(runtime_dir: Path) -> dict[str, bytes]:
    """Every file of the runtime package, recursively, byte for byte (bytecode excluded)."""
    out: dict[str, bytes] = {}
    for path in sorted(runtime_dir.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
            continue
        rel = "runtime/" + path.relative_to(runtime_dir).as_posix()
        data = path.read_bytes()
        if path.suffix == ".py":
            # runtime/x.py may go up to `from .`, runtime/understanding/x.py to `from ..`
            _check_imports(rel, data, max_level=rel.count("/"))
        out[rel] = data
    if "runtime/__init__.py" not in out:
        raise ExportError(f"{runtime_dir} is not the convodesk runtime package")
    return out


def _wrapper() -> bytes:
    """convodesk.export.bot with its imports pointed at the copied runtime."""
    text = WRAPPER.read_text(encoding="utf-8").replace("from ..runtime", "from .runtime")
    data = text.encode()
    _check_imports("bot.py", data, max_level=1)
    return data


def plan_package(flow: Flow, name: str, *, runtime_dir: Path = RUNTIME_DIR) -> PackagePlan:
    problem = check_package_name(name)
    if problem:
        raise ExportError(problem)
    flow_hash = content_hash(flow)
    version = package_version(flow.version)
    values = {
        "package": name,
        "flow_id": flow.flow,
        "flow_version": flow.version,
        # the version inside a comment or a docstring: one line, no quote or backslash to end it
        "flow_label": _one_line(str(flow.version)).replace("\\", "/").replace('"', "'"),
        "flow_hash": flow_hash,
        "package_version": version,
        "convodesk": CONVODESK_VERSION,
    }
    src = f"src/{name}/"
    files: dict[str, bytes] = {
        f"{src}{rel}": data for rel, data in _runtime_files(runtime_dir).items()
    }
    files[f"{src}__init__.py"] = templates.INIT.format(**values).encode()
    files[f"{src}bot.py"] = _wrapper()
    files[f"{src}flow.json"] = (flow.model_dump_json(indent=2) + "\n").encode()
    files[f"{src}py.typed"] = b""
    data_files = sorted(
        p.removeprefix(src) for p in files if p.startswith(src) and not p.endswith(".py")
    )
    files["pyproject.toml"] = templates.PYPROJECT.format(
        **values,
        summary=toml_string(_summary(flow)),
        requires_python=REQUIRES_PYTHON,
        dependencies=", ".join(toml_string(r) for r in REQUIRES),
        package_data=", ".join(toml_string(p) for p in data_files),
    ).encode()
    files["README.md"] = templates.README.format(**values).encode()
    return PackagePlan(name, version, flow, flow_hash, dict(sorted(files.items())))


_TOML_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def toml_string(text: str) -> str:
    """`text` as a TOML basic string.

    Not `json.dumps`: it writes a character outside the BMP (an emoji in a company name) as a
    surrogate pair, `\\ud83d\\ude80`, which TOML refuses. Here only what TOML requires is
    escaped (quote, backslash, control characters and DEL); everything else stays as it is.
    """
    out = []
    for ch in text:
        if ch in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        elif 0xD800 <= ord(ch) <= 0xDFFF:
            out.append("\\ufffd")  # a lone surrogate cannot be written in UTF-8 at all
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _summary(flow: Flow) -> str:
    """One line (it becomes a METADATA header): a company name with a newline must not split it."""
    company = f"{flow.bot.company} " if flow.bot.company else ""
    return " ".join(
        f"{company}lead-qualification chatbot: flow {flow.flow} v{flow.version}".split()
    )


def prepare_out(out: Path, plan: PackagePlan, *, force: bool) -> None:
    """Refuse an occupied folder; with `force`, clear only what an export owns in it."""
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise ExportError(f"{out} is not empty; pass --force to replace the export in it")
        shutil.rmtree(out / "src" / plan.package, ignore_errors=True)
        for old in (out / "dist").glob(f"{plan.package}-*.whl"):
            old.unlink()


def export_package(
    flow: Flow,
    out: Path,
    name: str,
    *,
    wheel: bool = False,
    force: bool = False,
    runtime_dir: Path = RUNTIME_DIR,
) -> ExportResult:
    """Write the package for `flow` into `out` (and its wheel into `out/dist` with `wheel`)."""
    plan = plan_package(flow, name, runtime_dir=runtime_dir)
    prepare_out(out, plan, force=force)
    written = []
    for rel, data in plan.files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    built = None
    if wheel:
        meta = WheelMetadata(
            name=plan.package,
            version=plan.version,
            summary=_summary(flow),
            requires_python=REQUIRES_PYTHON,
            requires=REQUIRES,
            readme=plan.files["README.md"].decode(),
            generator=f"convodesk {CONVODESK_VERSION}",
        )
        built = write_wheel(plan.package_files, meta, out / "dist")
    return ExportResult(out, plan, written, built)
