"""Encryption at rest for the originals of masked personal data.

The key is derived from HUBDESK_SECRET_KEY, so a desk needs no second secret; changing the
secret key makes earlier originals unreadable (the masked text stays), which is the intended
way to shred them.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class SealBroken(Exception):
    """The sealed text cannot be opened: wrong key (rotated secret) or damaged data."""


class FernetSealer:
    def __init__(self, secret_key: str) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"hubdesk sealed bodies",
                       info=b"v1").derive(secret_key.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode()).decode()

    def unseal(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken as error:
            raise SealBroken("the original cannot be opened with the current secret key") \
                from error
