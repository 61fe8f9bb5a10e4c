import pytest
from pydantic import ValidationError

from hubdesk.config import DEVELOPMENT_SECRET, MASKABLE_KINDS, Settings


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


def test_an_embedded_desk_without_a_key_generates_one_and_keeps_it(tmp_path):
    from hubdesk.config import with_stored_secret

    first = with_stored_secret(Settings(data_dir=tmp_path / "data"))
    key_file = tmp_path / "data" / "secret_key"
    assert first.secret_key != DEVELOPMENT_SECRET and len(first.secret_key) >= 32
    assert key_file.read_text() == first.secret_key
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert with_stored_secret(Settings(data_dir=tmp_path / "data")).secret_key \
        == first.secret_key
    assert with_stored_secret(Settings(data_dir=tmp_path / "other")).secret_key \
        != first.secret_key


def test_a_key_that_was_set_or_an_external_database_generates_nothing(tmp_path):
    from hubdesk.config import with_stored_secret

    assert with_stored_secret(Settings(data_dir=tmp_path, secret_key="k" * 40)).secret_key \
        == "k" * 40
    shared = with_stored_secret(Settings(data_dir=tmp_path,
                                         database_url="postgresql+psycopg://db/hubdesk"))
    assert shared.secret_key == DEVELOPMENT_SECRET
    assert not (tmp_path / "secret_key").exists()


def test_a_damaged_key_file_is_refused(tmp_path):
    from hubdesk.config import with_stored_secret

    (tmp_path / "secret_key").write_text("short")
    with pytest.raises(ValueError, match="delete it"):
        with_stored_secret(Settings(data_dir=tmp_path))


def test_serving_beyond_this_machine_with_the_development_key_is_refused(monkeypatch,
                                                                          tmp_path):
    from typer.testing import CliRunner

    from hubdesk.cli import app
    from hubdesk.config import get_settings, insecure_to_serve

    monkeypatch.setenv("HUBDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HUBDESK_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "HUBDESK_SECRET_KEY" in result.output
    shared = Settings(data_dir=tmp_path, database_url="postgresql+psycopg://db/x")
    assert insecure_to_serve(shared, "127.0.0.1") is None
    assert insecure_to_serve(shared, "::1") is None
    assert insecure_to_serve(shared, "localhost") is None
    assert insecure_to_serve(shared, "192.168.1.5") is not None
    assert insecure_to_serve(Settings(data_dir=tmp_path, secret_key="k" * 40),
                             "0.0.0.0") is None


def test_background_filing_gives_triage_its_own_budget(tmp_path):
    from hubdesk.bootstrap import build_intake_tools

    settings = Settings(environment="test", data_dir=tmp_path, triage_budget_ms=40,
                        filing_triage_budget_ms=1500)
    assert build_intake_tools(settings).triager.config.budget_ms == 40
    background = settings.for_background_filing()
    assert background.triage_budget_ms == 1500 and background.data_dir == tmp_path
    assert build_intake_tools(background).triager.config.budget_ms == 1500


def test_the_public_address_is_a_web_address_kept_without_its_last_slash():
    assert Settings(public_url=" https://help.example.com/ ").public_url == \
        "https://help.example.com"
    assert Settings(public_url="http://10.0.0.5:8000/desk").public_url == \
        "http://10.0.0.5:8000/desk"
    assert Settings(public_url="").public_url is None
    for wrong in ("help.example.com", "ftp://help.example.com", "https://", "https:///x",
                  "https://help.example.com/?next=1", "https://help example.com",
                  'https://help.example.com/"><script>', "javascript://x"):
        with pytest.raises(ValidationError, match="web address"):
            Settings(public_url=wrong)


def test_a_database_url_the_desk_cannot_run_on_is_refused_in_one_sentence():
    for usable in ("postgresql+psycopg://desk:secret@db/hubdesk", "postgresql://db/hubdesk",
                   "sqlite:///var/lib/hubdesk.db", " sqlite:///desk.db "):
        assert Settings(database_url=usable).database_url == usable.strip()
    assert Settings(database_url="").database_url is None
    for wrong, named in (("postgres://desk@db/hubdesk", "postgres://"),
                         ("mysql://desk@db/hubdesk", "mysql://"),
                         ("postgresql+psycopg2://desk:secret@db/hubdesk",
                          "postgresql+psycopg2://"),
                         ("db.example.com/hubdesk", "this value")):
        with pytest.raises(ValidationError) as refused:
            Settings(database_url=wrong)
        said = refused.value.errors()[0]["msg"]  # what `hubdesk` prints
        assert f"{named} is not a database Hubdesk runs on" in said
        assert "postgresql+psycopg://user:password@host/db" in said
        assert "secret" not in said


def test_a_log_level_or_a_kind_of_personal_data_it_does_not_know_is_refused_at_start():
    from hubdesk.triage.pii import PII_ENTITIES

    assert Settings(log_level=" debug").log_level == "DEBUG"
    with pytest.raises(ValidationError, match="'verbose' is not a log level: choose from DEBUG"):
        Settings(log_level="verbose")
    assert Settings(masked_personal_data=["PERSON", "IBAN_CODE"]).masked_personal_data == \
        ["PERSON", "IBAN_CODE"]
    with pytest.raises(ValidationError, match=r"unknown kinds of personal data \['FOO'\]"):
        Settings(masked_personal_data=["FOO", "PERSON"])
    assert list(MASKABLE_KINDS) == list(PII_ENTITIES)  # every kind triage reads, no other
