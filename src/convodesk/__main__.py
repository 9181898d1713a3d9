"""`python -m convodesk` is the `convodesk` command."""

from convodesk.cli.app import main

main()
