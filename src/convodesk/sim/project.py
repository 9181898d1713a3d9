"""`convodesk new`: a fresh project that passes `convodesk test` as created.

The starter flow is small on purpose and its personas answer plainly, so the first run is
green and the designer edits from a working baseline.
"""

from __future__ import annotations

from pathlib import Path

from .transcripts import atomic_write

FLOW = """\
# A starter qualification flow. Every key is documented in the convodesk README.
flow: {name}
version: 1

bot:
  name: Ava
  company: Example Co
  disclosure: "Hi, I'm Ava, Example Co's AI assistant. This chat is recorded so our team can follow up."
  dont_know: "I don't have an approved answer to that, so I've noted it for a specialist."
  offer_human: "If you'd rather talk to a person, just say so."

slots:
  pain:
    type: text
    cues: ["the problem is", "struggling with", "we need to", "tired of"]
  current_tool:
    type: text
    ask: "What are you using for this today?"
    cues: ["we use", "we're using", "currently use", "currently using", "stuck with"]
  company_size:
    type: integer
    ask: "Roughly how many people work at your company?"
    cues: ["employees", "people", "staff", "headcount"]
    min: 1
  committee:
    type: list
    ask: "Last one: who else will be involved in choosing a tool?"
    cues: ["evaluating with", "deciding with", "also involved"]
  email:
    type: email
    pii: true
    ask: "What's the best work email for us to follow up on?"
  visitor:
    type: enum
    description: why a non-buyer is here; never asked, only noticed
    values: [student, competitor]
    synonyms:
      student: ["i'm a student", "i am a student", "class project", "school project", "my thesis"]
      competitor: ["competitive research", "we're a competitor"]

knowledge:
  - id: pricing
    patterns: ["pricing", "how much does it cost", "price per user", "your plans"]
    answer: "Plans start at $20 per user per month; annual billing saves 15%."
  - id: free_trial
    patterns: ["free trial", "trial", "try it free"]
    answer: "Yes, there's a 14-day free trial, no credit card needed."
  - id: sso
    patterns: ["sso", "saml", "single sign-on", "okta"]
    answer: "Yes: SAML single sign-on is included on the Business plan."

disqualify:
  - when: "visitor == 'student' or endswith(email_domain, '.edu')"
    reason: student
    say: "Thanks for your interest! Our learning resources at example.com/learn are the best place to start."
    owner: marketing
  - when: "visitor == 'competitor' or email_domain in ['rival.example']"
    reason: competitor
    say: "Thanks for stopping by. This chat is for teams evaluating Example Co."
    owner: marketing

scoring:
  fit:
    - {{when: "company_size >= 200", add: 60, reason: "200+ people"}}
    - {{when: "company_size >= 50 and company_size < 200", add: 30, reason: "50-199 people"}}
    - {{when: "company_size < 20", add: -30, reason: "below the 20-person minimum"}}
  intent:
    - {{when: "pain is set", add: 30, reason: "described their problem"}}
    - {{when: "current_tool is set", add: 20, reason: "named the tool they would replace"}}
  capacity:
    - {{when: "committee is set", add: 40, reason: "a buying committee is named"}}

routes:
  - when: "fit >= 60 and intent >= 50 and capacity >= 40"
    route: warm
    action: book_meeting
    owner: account_executive
    say: "Thanks, that's helpful. I'd like to set up a call with one of our specialists."
  - when: "fit >= 30 and intent >= 30"
    route: lukewarm
    action: schedule_discovery
    owner: sdr
    say: "Thanks! A short discovery call with our team looks like the best next step."
  - route: nurture
    action: add_to_nurture
    owner: marketing
    say: "Thanks for sharing. I'll send a few guides and customer stories your way."

steps:
  - id: greet
    say: "{{bot.disclosure}} What brings you here today?"
    collect: pain
  - id: tool
    ask: current_tool
  - id: size
    ask: company_size
  - id: committee
    ask: committee
  - id: qualify
    route: true
  - id: contact
    ask: email
  - id: done
    end: true
    say: "Thanks for chatting! You'll hear from us at {{email|the email you gave}} soon."
"""

PERSONAS = {
    "buyer.yaml": """\
# A good-fit buyer: 500 people (fit 60), pain and tool (intent 50), a committee: warm.
persona: buyer
profile: {name: Jordan Lee, email: jordan@bigco.example, company_size: 500}
facts:
  pain: tracking approvals across five teams in spreadsheets
  current_tool: spreadsheets
  committee: [CFO, IT lead]
behavior: {verbosity: terse, asks: [{text: "Do you support SSO?", at: 2}], patience: 10}
context: {page: /pricing}
# a text slot passes when what was captured contains the phrase ("we use spreadsheets" does)
expect: {route: warm, slots: {company_size: 500, current_tool: spreadsheets}, max_turns: 6}
""",
    "small_company.yaml": """\
# Ten people is below the 20-person minimum: nurture, however keen.
persona: small-company
profile: {name: Sam Ortiz, email: sam@tiny.example, company_size: 10}
facts:
  pain: keeping orders straight on paper
  current_tool: paper
  committee: [my co-founder]
behavior: {verbosity: terse, patience: 10}
context: {page: /}
expect: {route: nurture, slots: {company_size: 10}, max_turns: 6}
""",
    "student.yaml": """\
# A student (and a .edu email): disqualified politely.
persona: student
profile: {name: Lena Fischer, email: lena@uni.edu}
behavior:
  verbosity: terse
  opening: "Hi, I'm a student working on a class project."
  patience: 12
context: {page: /}
expect: {route: disqualify}
""",
}

TEST = """\
\"\"\"One test per persona in personas/: its checks pass and its transcript matches its snapshot.

Snapshots are readable YAML in tests/__snapshots__/. After an intended flow change, review the
diff pytest prints and accept it with `pytest --snapshot-update`.
\"\"\"

from convodesk.testing import persona_suite

test_persona = persona_suite("flows/{name}.yaml", "personas")
"""


# atomic_write writes `.<name>.<random>.tmp` beside its target and renames it over the target;
# only an interrupted write leaves one behind, in transcripts/<flow>/ or anywhere else.
GITIGNORE = """\
# half-written files from an interrupted convodesk run
.*.tmp
"""


class ProjectExists(Exception):
    """The target folder already has files; scaffolding would mix two projects."""


def scaffold(folder: str | Path, name: str = "inbound", *, force: bool = False) -> list[Path]:
    """Write flows/, personas/, tests/ into `folder`; returns the files written.

    The test file's snapshots and `transcripts/` are recorded by
    `convodesk.testing.project.ship_snapshots` and `ship_transcripts` (a layer above this
    one), which `convodesk new` calls next.
    """
    root = Path(folder)
    if root.exists() and any(root.iterdir()) and not force:
        raise ProjectExists(f"{root} is not empty (pass --force to write into it)")
    files = {
        root / "flows" / f"{name}.yaml": FLOW.format(name=name),
        **{root / "personas" / file: text for file, text in PERSONAS.items()},
        root / "tests" / "test_personas.py": TEST.format(name=name),
        root / ".gitignore": GITIGNORE,
    }
    for path, text in files.items():
        atomic_write(path, text)
    return list(files)
