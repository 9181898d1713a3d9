"""Dogfooding the plugin: every persona of the example suite, checked and snapshot-tested.

Snapshots live in tests/__snapshots__/test_example_snapshots/; after an intended change to
flows/saas_inbound.yaml, accept them with `pytest tests/test_example_snapshots.py --snapshot-update`.
"""

from convodesk.testing import persona_suite

test_persona = persona_suite("flows/saas_inbound.yaml", "personas")
