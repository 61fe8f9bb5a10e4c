"""The pure core of Hubdesk: entities, value objects, state machines and policies.

Nothing in this package performs I/O or imports a framework; every function computes from
the values it is given, so the product's intelligence can be tested in microseconds.
"""
