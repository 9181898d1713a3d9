"""convodesk: design, simulate, test and export B2B lead-qualification chatbots."""

__version__ = "0.1.0"
