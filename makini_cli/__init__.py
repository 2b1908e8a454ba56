"""makini: the command-line tool for the Makini unified industrial API."""

__version__ = "0.1.0"
