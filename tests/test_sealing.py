import pytest

from hubdesk.config import DEVELOPMENT_SECRET
from hubdesk.sealing import FernetSealer, SealBroken


def test_originals_sealed_under_the_development_key_stay_readable_after_a_real_key():
    old = FernetSealer(DEVELOPMENT_SECRET).seal("4111 1111 1111 1111")
    current = FernetSealer("r" * 48)
    assert current.unseal(old) == "4111 1111 1111 1111"
    fresh = current.seal("DE89 3704 0044 0532 0130 00")
    with pytest.raises(SealBroken):
        FernetSealer(DEVELOPMENT_SECRET).unseal(fresh)
    with pytest.raises(SealBroken):
        FernetSealer("s" * 48).unseal(fresh)
