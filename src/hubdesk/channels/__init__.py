"""Adapters that carry the desk's messages to and from the outside world."""
