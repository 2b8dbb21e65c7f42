"""The sections of the reports, one module per part; each returns a :class:`Block`."""
