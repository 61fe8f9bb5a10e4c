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


def test_the_mapped_language_model_answers_as_the_package_does(tmp_path):
    from hubdesk.triage.langid_mapped import mapped_identifier

    texts = ["Hello, my card was charged twice", "Bonjour, ma carte est bloquée",
             "Hallo, meine Karte wurde gesperrt", "Hola, mi tarjeta", "", "ÀÉÎ", "1234",
             "Ciao, la mia carta non funziona più da ieri sera"]
    in_memory = LanguageDetector()
    mapped = LanguageDetector(cache_dir=tmp_path)
    assert [mapped.detect(t) for t in texts] == [in_memory.detect(t) for t in texts]
    restricted = LanguageDetector(("en", "de", "fr"), cache_dir=tmp_path)
    assert ([restricted.detect(t) for t in texts]
            == [LanguageDetector(("en", "de", "fr")).detect(t) for t in texts])
    # Unpacked once, then only mapped: later processes find the files and read nothing else.
    folders = [path for path in tmp_path.iterdir() if not path.name.startswith(".")]
    assert len(folders) == 1 and not any(p.name.startswith(".") for p in tmp_path.iterdir())
    identifier = mapped_identifier(tmp_path)
    assert isinstance(identifier.tk_nextmove, memoryview)
    assert identifier.classify(texts[0]) == mapped._identifier.classify(texts[0])


def test_an_unwritable_cache_loads_the_language_model_in_memory(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    detector = LanguageDetector(cache_dir=blocked / "cache")
    assert detector.detect("Hello, my card was charged twice").code == "en"
