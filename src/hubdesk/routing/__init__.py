"""Routing computations beyond one decision at a time (batch assignment); pure, no I/O."""
