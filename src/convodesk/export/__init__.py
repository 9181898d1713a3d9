"""Export a flow and the runtime as a standalone, importable chatbot package."""

from .builder import (
    ExportError,
    ExportResult,
    PackagePlan,
    check_package_name,
    export_package,
    package_version,
    plan_package,
)
from .wheel import WheelMetadata, write_wheel

__all__ = [
    "ExportError",
    "ExportResult",
    "PackagePlan",
    "WheelMetadata",
    "check_package_name",
    "export_package",
    "package_version",
    "plan_package",
    "write_wheel",
]
