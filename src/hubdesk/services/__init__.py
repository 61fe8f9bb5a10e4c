"""Use cases: one named function per state change, one transaction each, permission-checked."""
