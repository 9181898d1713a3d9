"""Studio widgets; each posts small dataclass messages nested in its own class."""
