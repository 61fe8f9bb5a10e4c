"""Hubdesk: the customer-service coordination hub."""

__version__ = "0.1.0"
