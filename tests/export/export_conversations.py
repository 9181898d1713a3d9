"""Buyer scripts for the example flow, and the buyer turns of committed transcripts.

The scripts cover each kind of turn the engine has: questions answered from knowledge and
unknown ones, volunteered facts, corrections, disqualifiers, a request for a human, a message
over the length limit, an abandoned chat, and every action-handler return shape.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

PAGE = {"page": "/pricing", "utm_campaign": "q4", "utm_source": "google", "visitor_id": "v-42"}

SCRIPTED: list[dict[str, Any]] = [
    {
        "name": "warm_path",
        "context": PAGE,
        "messages": [
            "We're struggling with spreadsheets for our plant scheduling. Do you support SSO?",
            "Excel and a lot of email",
            "500",
            "this quarter, our renewal is coming up",
            "about 60000 a year",
            "our CFO and the IT lead",
            "jane.doe@acme-mfg.com",
        ],
    },
    {
        "name": "terse_answers",
        "context": {"page": "/demo"},
        "reference_date": "2026-01-15",
        "messages": ["better reporting", "spreadsheets", "12", "next year", "just me", "x@y.io"],
    },
    {
        "name": "questions_first",
        "messages": [
            "How much does it cost per seat? And is there a free trial?",
            "Do you integrate with Jira?",
            "We use Smartsheet",
            "Actually we have 250 employees",
        ],
    },
    {
        "name": "student",
        "messages": ["I'm a student working on a school project about operations software"],
    },
    {
        "name": "competitor_email",
        "messages": [
            "Looking at tools",
            "Airtable",
            "80",
            "next quarter",
            "just me",
            "ops@opsgrid.io",
        ],
    },
    {
        "name": "support",
        "messages": ["I'm an existing customer and can't log in to our Relay account"],
    },
    {
        "name": "human",
        "messages": ["Can I talk to a real person please?"],
    },
    {
        "name": "rambling",
        "messages": ["hmm", "?", "no idea", "", "x" * 5000],
    },
    {
        "name": "abandoned",
        "context": {"referrer": "linkedin.com", "locale": "en-GB"},
        "messages": ["We need a better way to track work orders", "paper"],
    },
]


def committed_transcripts(folder: Path, flow_id: str) -> list[dict[str, Any]]:
    """Every committed transcript of `flow_id` as a replayable conversation, with the bot lines
    and the ending the designer recorded.

    Read with the simulator's own reader, so a transcript in another format fails loudly
    instead of replaying nothing. Recorded runs had no action handlers, so neither do these.
    """
    from convodesk.sim.transcripts import read_transcript

    conversations = []
    for path in sorted(folder.rglob("*.yaml")):
        transcript = read_transcript(path)
        if transcript.flow.get("id") != flow_id:
            continue
        lines = transcript.conversation
        conversations.append(
            {
                "name": f"transcript:{path.relative_to(folder).as_posix()}",
                "context": transcript.context,
                "reference_date": transcript.reference_date,
                "messages": [line.buyer for line in lines if line.buyer is not None],
                "actions": False,
                "recorded": {
                    "bot": [[line.turn, line.bot] for line in lines if line.bot is not None],
                    "ended_by": transcript.ended_by,
                    "route": transcript.route,
                },
            }
        )
    return conversations
