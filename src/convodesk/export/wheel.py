"""A small PEP 427 wheel writer for pure-Python packages, standard library only.

Why not `pip wheel`: a build backend is not guaranteed in a fresh venv (Python 3.12+ venvs
have no setuptools; setuptools < 70.1 also needs the `wheel` package), build isolation needs
the network, and an exported package is a fixed tree of files that needs no build step. This
writer is offline, takes milliseconds, and is reproducible: the same files give the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Earliest timestamp a zip can hold; fixed so that a wheel's bytes depend on its content only.
_EPOCH = (1980, 1, 1, 0, 0, 0)
_TAG = "py3-none-any"


@dataclass(frozen=True)
class WheelMetadata:
    name: str
    version: str
    summary: str = ""
    requires_python: str = ""
    requires: Sequence[str] = field(default_factory=tuple)
    readme: str = ""
    generator: str = "convodesk"


def _stem(name: str, version: str) -> str:
    """`{distribution}-{version}`, both escaped as PEP 427 asks."""
    return f"{re.sub(r'[-_.]+', '_', name).lower()}-{version.replace('-', '_')}"


def wheel_filename(name: str, version: str) -> str:
    return f"{_stem(name, version)}-{_TAG}.whl"


def _metadata(meta: WheelMetadata) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {meta.name}", f"Version: {meta.version}"]
    if meta.summary:
        lines.append(f"Summary: {meta.summary}")
    if meta.requires_python:
        lines.append(f"Requires-Python: {meta.requires_python}")
    lines += [f"Requires-Dist: {req}" for req in meta.requires]
    if meta.readme:
        lines.append("Description-Content-Type: text/markdown")
        return "\n".join(lines) + "\n\n" + meta.readme
    return "\n".join(lines) + "\n"


def _wheel_info(meta: WheelMetadata) -> str:
    return f"Wheel-Version: 1.0\nGenerator: {meta.generator}\nRoot-Is-Purelib: true\nTag: {_TAG}\n"


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def write_wheel(files: Mapping[str, bytes], meta: WheelMetadata, dest_dir: Path) -> Path:
    """Write a wheel of `files` (archive path -> bytes, e.g. `pkg/__init__.py`) into `dest_dir`."""
    dist_info = f"{_stem(meta.name, meta.version)}.dist-info"
    entries = dict(sorted(files.items()))
    for path in entries:
        if path.startswith("/") or ".." in path.split("/") or path.startswith(dist_info):
            raise ValueError(f"invalid path in wheel: {path}")
    entries[f"{dist_info}/METADATA"] = _metadata(meta).encode()
    entries[f"{dist_info}/WHEEL"] = _wheel_info(meta).encode()
    record_path = f"{dist_info}/RECORD"
    record = "".join(f"{_record_line(p, d)}\n" for p, d in entries.items()) + f"{record_path},,\n"
    entries[record_path] = record.encode()

    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / wheel_filename(meta.name, meta.version)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, data in entries.items():
            info = zipfile.ZipInfo(path, date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return target
