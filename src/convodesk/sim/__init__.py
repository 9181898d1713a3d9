"""Personas, the offline scripted buyer, the conversation and suite runner, checks and reports.

Offline by design: nothing here imports litellm; an LLM-played persona plugs in through
`PersonaDriver` and `run_suite(driver_factory=...)`.
"""

from .checks import CHECKS, CheckResult, run_checks
from .drivers import DriverFactory, PersonaAction, PersonaDriver, scripted_driver
from .metrics import Metrics, compute, pass_at_k, pass_hat_k
from .persona import CHECK_IDS, Persona, load_persona, load_personas, parse_persona
from .report import SuiteReport, build_report, junit_xml, render
from .runner import (
    REFERENCE_DATE,
    Conversation,
    SuiteResult,
    fixed_clock,
    run_conversation,
    run_suite,
    run_suite_sync,
    seed_for,
    sim_engine,
)
from .scripted import ScriptedPersona
from .transcripts import Transcript, read_transcript, write_transcript

__all__ = [
    "CHECKS",
    "CHECK_IDS",
    "REFERENCE_DATE",
    "CheckResult",
    "Conversation",
    "DriverFactory",
    "Metrics",
    "Persona",
    "PersonaAction",
    "PersonaDriver",
    "ScriptedPersona",
    "SuiteReport",
    "SuiteResult",
    "Transcript",
    "build_report",
    "compute",
    "fixed_clock",
    "junit_xml",
    "load_persona",
    "load_personas",
    "parse_persona",
    "pass_at_k",
    "pass_hat_k",
    "read_transcript",
    "render",
    "run_checks",
    "run_conversation",
    "run_suite",
    "run_suite_sync",
    "scripted_driver",
    "seed_for",
    "sim_engine",
    "write_transcript",
]
