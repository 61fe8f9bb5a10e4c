"""The HTTP JSON API under /api/v1: validates, calls one service, shapes the answer."""
