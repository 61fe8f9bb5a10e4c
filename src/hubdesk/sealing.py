"""Encryption at rest for the originals of masked personal data.

The key is derived from HUBDESK_SECRET_KEY, so a desk needs no second secret; changing the
secret key makes earlier originals unreadable (the masked text stays), which is the intended
way to shred them.

One exception: originals sealed under the public development key (before embedded desks got
a generated key of their own, see config.with_stored_secret) stay readable. That key is public,
so this keeps nothing secret from anyone, while moving to a real key would otherwise silently
shred a desk's originals. New originals are always sealed with the current key.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from hubdesk.config import DEVELOPMENT_SECRET


class SealBroken(Exception):
    """The sealed text cannot be opened: wrong key (rotated secret) or damaged data."""


def _fernet(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"hubdesk sealed bodies",
                   info=b"v1").derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


class FernetSealer:
    def __init__(self, secret_key: str) -> None:
        keys = [_fernet(secret_key)]
        if secret_key != DEVELOPMENT_SECRET:
            keys.append(_fernet(DEVELOPMENT_SECRET))
        # MultiFernet seals with the first key and opens with any of them.
        self._fernet = MultiFernet(keys)

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode()

    def unseal(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as error:
            raise SealBroken("the original cannot be opened with the current secret key") \
                from error


def survey_link_key(secret_key: str) -> bytes:
    """The key satisfaction survey links are signed with (`domain/satisfaction.py`), derived
    from HUBDESK_SECRET_KEY like the sealing key: changing the secret retires every link."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"hubdesk survey links",
                info=b"v1").derive(secret_key.encode())
