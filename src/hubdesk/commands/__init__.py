"""Command-line commands that join a package's own logic to the desk: its settings and database.

The packages they serve (such as `hubdesk.triage`) stay free of the store and the services;
these modules read what the desk holds and hand it over as plain data.
"""
