"""convodesk studio: the Textual app where designers author, play and test flows.

Never imported by lower layers; it calls the same library functions as the CLI and keeps no
domain logic of its own.
"""
