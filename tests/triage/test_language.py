import pytest

from hubdesk.triage.language import LanguageDetector


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(["en", "de", "fr", "es"])


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("My card has not arrived and I need it for my trip next week.", "en"),
        ("Meine Karte ist noch nicht angekommen, bitte helfen Sie mir.", "de"),
        ("Ma carte n'est toujours pas arrivée, pouvez-vous m'aider ?", "fr"),
        ("Mi tarjeta todavía no ha llegado, ¿me pueden ayudar?", "es"),
        ("carte bloquée", "fr"),
        ("Karte gesperrt", "de"),
    ],
)
def test_detects_the_organisations_languages(detector, text, code):
    assert detector.detect(text).code == code


def test_symbols_and_empty_text_are_undetermined(detector):
    assert detector.detect("").code == "und"
    assert detector.detect("😀😀😀 !!!").code == "und"


def test_a_single_language_desk_needs_no_detection():
    assert LanguageDetector(["de"]).detect("hello").code == "de"


def test_without_restriction_py3langid_decides():
    guess = LanguageDetector().detect("Dit is een zin in het Nederlands over mijn rekening.")
    assert (guess.code, guess.detector) == ("nl", "py3langid")
