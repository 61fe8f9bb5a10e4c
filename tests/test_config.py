import pytest
from pydantic import ValidationError

from hubdesk.config import DEVELOPMENT_SECRET, Settings


def test_production_refuses_the_default_secret():
    with pytest.raises(ValidationError, match="HUBDESK_SECRET_KEY"):
        Settings(environment="production", secret_key=DEVELOPMENT_SECRET)
    with pytest.raises(ValidationError):
        Settings(environment="production", secret_key="short")


def test_production_accepts_a_real_secret():
    settings = Settings(environment="production", secret_key="x" * 48)
    assert settings.environment == "production"


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("HUBDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HUBDESK_MAX_REQUEST_BYTES", "4096")
    settings = Settings()
    assert settings.max_request_bytes == 4096
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'hubdesk.db'}"
