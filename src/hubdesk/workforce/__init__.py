"""Workforce management: contact forecasting and queueing-theory staffing, pure computation.

Nothing here reads a database or the network; callers pass values in and get dataclasses back.
"""
