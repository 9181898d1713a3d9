"""The exported package's API, imported in-process: hooks, provenance, refused states."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from convodesk.export import ExportResult, export_package
from convodesk.runtime import Engine, Flow, content_hash, load_flow

Importer = Callable[[Path, str], ModuleType]
SECRET = "s3cret-for-tests-only-0123"

TINY = """\
flow: tiny
version: {version}
bot: {{name: Tess, disclosure: "I'm Tess, an AI assistant."}}
slots:
  company_size: {{type: integer, ask: "How many people work there?"}}
  email: {{type: email, ask: "What's your work email?"}}
steps:
  - {{id: size, ask: company_size}}
  - {{id: qualify, route: true}}
  - {{id: contact, ask: email}}
  - {{id: done, end: true, say: "Thanks, bye."}}
routes:
  - {{when: "company_size >= 100", route: warm, action: book_meeting, owner: ae}}
  - {{route: nurture}}
"""


def export_tiny(tmp_path: Path, name: str, version: int = 1) -> Path:
    source = tmp_path / f"tiny_v{version}.yaml"
    source.write_text(TINY.format(version=version))
    out = tmp_path / name
    export_package(load_flow(source), out, name)
    return out


def test_package_exposes_the_flow_and_mirrors_the_runtime(
    exported: ExportResult, example_flow: Flow, import_exported: Importer
) -> None:
    pkg = import_exported(exported.out, "acme_bot")
    bot = pkg.create_bot()
    assert isinstance(bot, pkg.Engine) and isinstance(bot, pkg.Bot)
    assert (example_flow.flow, example_flow.version) == (pkg.FLOW_ID, pkg.FLOW_VERSION)
    assert pkg.FLOW_HASH == content_hash(example_flow) == bot.hash
    assert (bot.flow_id, bot.version) == (example_flow.flow, example_flow.version)
    assert pkg.__version__ == "1"
    for name in ("Session", "Turn", "Outcome", "HandoffPayload", "ActionRequest", "ActionResult"):
        assert getattr(pkg, name) is getattr(pkg.runtime, name)
    # A conversation begun by convodesk.runtime continues in the package: same flow, same hash.
    begun = Engine(example_flow).start(context={"page": "/pricing"})
    begun.send("We need a better way to plan shifts")
    session = bot.resume(begun.state.model_dump_json())
    assert session.state.context == {"page": "/pricing"}
    assert session.send("Excel").messages == begun.send("Excel").messages


def test_action_handlers_and_handoff_callback(tmp_path: Path, import_exported: Importer) -> None:
    pkg = import_exported(export_tiny(tmp_path, "tiny_hooks"), "tiny_hooks")
    requests: list[Any] = []
    payloads: list[Any] = []

    def book_meeting(request: Any) -> Any:
        requests.append(request)
        return pkg.ActionResult(ok=True, message=f"Booked for {request.slots['email']}.")

    bot = pkg.create_bot()
    bot.register_action("book_meeting", book_meeting)
    bot.on_handoff(payloads.append)
    session = bot.start(context={"page": "/demo", "utm_campaign": "spring", "visitor_id": "v9"})
    assert session.opening.messages == ["I'm Tess, an AI assistant.", "How many people work there?"]
    assert session.send("250").asking == ["email"]
    turn = session.send("ann@example.com")

    assert turn.done and turn.messages[-2:] == ["Booked for ann@example.com.", "Thanks, bye."]
    assert [(r.name, r.route, dict(r.context)["page"]) for r in requests] == [
        ("book_meeting", "warm", "/demo")
    ]
    assert turn.outcome is not None and turn.outcome.next_action.status == "done"
    [payload] = payloads
    assert isinstance(payload, pkg.HandoffPayload)
    assert (payload.flow.id, payload.flow.version, payload.flow.hash) == (
        pkg.FLOW_ID,
        pkg.FLOW_VERSION,
        pkg.FLOW_HASH,
    )
    assert payload.route == "warm" and payload.next_action.owner == "ae"
    assert payload.source == {"page": "/demo", "utm_campaign": "spring", "visitor_id": "v9"}
    assert payload.slots == {"company_size": 250, "email": "ann@example.com"}


def test_state_from_another_version_is_refused_naming_both(
    tmp_path: Path, import_exported: Importer
) -> None:
    v1 = import_exported(export_tiny(tmp_path, "tiny_one", version=1), "tiny_one")
    v2 = import_exported(export_tiny(tmp_path, "tiny_two", version=2), "tiny_two")
    saved = v1.create_bot().start().state.model_dump_json()
    with pytest.raises(v2.StateError) as err:
        v2.create_bot().resume(saved)
    message = str(err.value)
    assert "tiny v1" in message and "v2" in message and v1.FLOW_HASH in message
    assert issubclass(v2.StateError, ValueError)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda s: s.update(step="sizing"), "unknown step 'sizing'"),
        (lambda s: s.update(waiting=["budget"]), "unknown slot(s) budget"),
        (lambda s: s["flow"].update(hash="0" * 16), "was made by tiny v1"),
        (lambda s: s["flow"].update(id="other"), "belongs to flow 'other'"),
        (lambda s: s.update(turn="many"), "not a valid session state (turn"),
        (lambda s: s.update(done=True), "finished but has no outcome"),
    ],
)
def test_edited_plain_state_is_refused(
    tmp_path: Path, import_exported: Importer, edit: Callable[[dict[str, Any]], None], expected: str
) -> None:
    pkg = import_exported(export_tiny(tmp_path, "tiny_plain"), "tiny_plain")
    bot = pkg.create_bot()
    state = json.loads(bot.dump(bot.start()))
    edit(state)
    with pytest.raises(pkg.StateError) as err:
        bot.resume(json.dumps(state))
    assert expected in str(err.value)


def test_signed_state_round_trips_and_edits_are_refused(
    tmp_path: Path, import_exported: Importer
) -> None:
    pkg = import_exported(export_tiny(tmp_path, "tiny_signed"), "tiny_signed")
    bot = pkg.create_bot(secret=SECRET)
    session = bot.start()
    session.send("12")
    saved = bot.dump(session)
    assert json.loads(saved)["scheme"] == "hmac-sha256-v1"
    assert bot.resume(saved).slots == {"company_size": 12}
    assert pkg.create_bot(secret=SECRET.encode()).resume(saved.encode()).slots == {
        "company_size": 12
    }

    # The edit the runtime cannot see: a valid state with a better slot value.
    envelope = json.loads(saved)
    forged = envelope["state"].replace('"value":12', '"value":5000')
    assert forged != envelope["state"]
    assert pkg.create_bot().resume(forged).slots == {"company_size": 5000}  # unsigned: accepted
    with pytest.raises(pkg.StateError, match="signature does not match"):
        bot.resume(json.dumps({**envelope, "state": forged}))

    refusals: list[tuple[str, Any, str | bytes]] = [
        ("signature does not match", pkg.create_bot(secret="another-secret-0123456"), saved),
        ("not signed", bot, forged),
        ("this engine has no secret", pkg.create_bot(), saved),
        ("unknown scheme", bot, json.dumps({**envelope, "scheme": "none"})),
        ("envelope is incomplete", bot, json.dumps({"scheme": envelope["scheme"]})),
        ("not valid JSON", bot, saved[:-3]),
    ]
    for expected, resumer, state in refusals:
        with pytest.raises(pkg.StateError) as err:
            resumer.resume(state)
        assert expected in str(err.value)


def test_weak_secret_is_refused(exported: ExportResult, import_exported: Importer) -> None:
    pkg = import_exported(exported.out, "acme_bot")
    with pytest.raises(ValueError, match="at least 16 bytes"):
        pkg.create_bot(secret="short")


def test_modified_flow_json_is_an_error(tmp_path: Path, import_exported: Importer) -> None:
    out = export_tiny(tmp_path, "tiny_edited")
    flow_json = out / "src" / "tiny_edited" / "flow.json"
    flow_json.write_text(flow_json.read_text().replace("Thanks, bye.", "Bye!"))
    pkg = import_exported(out, "tiny_edited")
    with pytest.raises(pkg.FlowIntegrityError, match="was modified"):
        pkg.create_bot()


def _value(value: Any) -> dict[str, Any]:
    return {"value": value, "raw": "", "source": "answer", "turn": 1, "previous": []}


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda s: s["slots"].update(company_size=_value("lots")), "'lots' is not a whole number"),
        (lambda s: s["slots"].update(company_size=_value([1, 2])), "[1, 2] is not a whole number"),
        (lambda s: s["slots"].update(company_size=_value(None)), "None is not a whole number"),
        (lambda s: s["slots"].update(email=_value({"a": 1})), "{'a': 1} is not an email address"),
        (lambda s: s.update(turn=-5), "has turn -5, below 0"),
        (lambda s: s["visited"].append("vip"), "visited unknown step(s) vip"),
        (lambda s: s["answered"].append("sso"), "unknown knowledge entry(s) sso"),
        (
            lambda s: s.update(waiting=["email"]),
            "waits for email, but step 'size' asks company_size",
        ),
    ],
)
def test_structurally_edited_plain_state_is_refused(
    tmp_path: Path, import_exported: Importer, edit: Callable[[dict[str, Any]], None], expected: str
) -> None:
    """Without a secret nothing proves who wrote a state, but one this flow cannot have made
    (a wrong-typed value, a foreign id, a slot the current step does not ask) never runs."""
    pkg = import_exported(export_tiny(tmp_path, "tiny_shape"), "tiny_shape")
    bot = pkg.create_bot()
    state = json.loads(bot.dump(bot.start()))
    edit(state)
    with pytest.raises(pkg.StateError) as err:
        bot.resume(json.dumps(state))
    assert expected in str(err.value) and "tampered with" in str(err.value)


def test_a_well_formed_edit_needs_the_signature(tmp_path: Path, import_exported: Importer) -> None:
    pkg = import_exported(export_tiny(tmp_path, "tiny_formed"), "tiny_formed")
    state = json.loads(pkg.create_bot().dump(pkg.create_bot().start()))
    state["slots"]["company_size"] = _value(5000)
    state.update(waiting=[], step="qualify")
    assert pkg.create_bot().resume(json.dumps(state)).slots == {"company_size": 5000}
    signed = pkg.create_bot(secret=SECRET)
    with pytest.raises(pkg.StateError, match="not signed"):
        signed.resume(json.dumps(state))
