from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.channels.receiver import Receiver, start_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state, thread = start_receiver()
    yield state
    state.server.shutdown()
    state.server.server_close()
    thread.join(timeout=5)
