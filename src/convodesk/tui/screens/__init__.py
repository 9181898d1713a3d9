"""One screen per studio mode, plus the help overlay."""
