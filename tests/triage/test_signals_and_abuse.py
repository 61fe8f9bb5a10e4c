import pytest

from hubdesk.triage.abuse import AbuseDetector
from hubdesk.triage.learned import BinaryTextModel
from hubdesk.triage.signals import SignalDetector


@pytest.fixture(scope="module")
def signals() -> SignalDetector:
    return SignalDetector()


def test_an_angry_message_is_a_difficult_contact_and_says_why(signals):
    verdict = signals.detect(
        "This is the THIRD TIME I AM WRITING!!! Absolutely unacceptable, "
        "I will cancel my account and talk to my lawyer."
    )
    assert verdict.difficult_contact
    assert verdict.anger > 0.8
    assert {"all_caps", "threat_to_cancel", "legal_words", "repeated_contact"} <= set(
        verdict.features
    )


def test_a_calm_message_is_not(signals):
    verdict = signals.detect("Thanks for your help, everything works now.")
    assert not verdict.difficult_contact
    assert verdict.sentiment > 0.5


CALM_GERMAN = "Ich habe die Rechnung bezahlt, aber die Karte wurde zweimal belastet."


def test_sentiment_is_read_only_in_the_language_of_its_lexicon(signals):
    # Read as English, the German article "die" is the verb and the message sounds dire.
    assert signals.detect(CALM_GERMAN).sentiment < -0.5
    german = signals.detect(CALM_GERMAN, language="de")
    assert german.sentiment == 0.0 and german.anger < 0.2 and not german.difficult_contact
    calm = "Thanks for your help, everything works now."
    assert signals.detect(calm, language="en") == signals.detect(calm)
    assert signals.detect(calm, language="und") == signals.detect(calm)  # undetermined
    # The other features still speak in any language.
    shouted = signals.detect("ICH WARTE SEIT DREI WOCHEN AUF MEIN GELD!!! UNMÖGLICH!!!",
                             language="de")
    assert {"all_caps", "exclamation_runs"} <= set(shouted.features)


def test_urgency(signals):
    assert signals.detect("Our shop is down, we cannot take payments, fix it asap").urgency > 0.7
    assert signals.detect("Could you send me last year's invoice?").urgency < 0.3


@pytest.fixture(scope="module")
def abuse() -> AbuseDetector:
    return AbuseDetector()


def test_insults_threats_and_clean_messages(abuse):
    assert abuse.detect("you are useless idiots").kinds == ("insult",)
    assert "threat" in abuse.detect("I know where you live, watch your back").kinds
    assert not abuse.detect("Your colleague was very helpful, thank you").abusive


def test_profanity_is_shown_masked(abuse):
    verdict = abuse.detect("this is sh1t service")
    assert verdict.abusive
    assert verdict.terms == ("s**t",)


def test_a_learned_model_adds_what_rules_miss():
    flagged = ["you muppet", "what a muppet you are", "muppets the lot of you"] * 5
    fine = ["please help me", "my card is late", "thank you so much"] * 5
    model = BinaryTextModel().fit([(t, 1) for t in flagged] + [(t, 0) for t in fine])
    detector = AbuseDetector(model)
    assert detector.detect("total muppet").kinds == ("learned",)
    assert not detector.detect("thank you, my card arrived").abusive


ORDINARY_WORDS_OF_THE_PROFANITY_LIST = [
    "Please send the M6 screw and the LED strip I ordered.",
    "My father had a stroke; the oral medication must arrive by Friday.",
    "I switched to Virgin Media and want the vodka and rum order cancelled.",
    "Tickets for the gay pride event and the HIV clinic fundraiser, please.",
    "Damn, that was quick. Thanks, what the hell happened there? OMG.",
]


@pytest.mark.parametrize("text", ORDINARY_WORDS_OF_THE_PROFANITY_LIST)
def test_ordinary_words_of_the_censor_s_list_are_not_abuse(abuse, signals, text):
    verdict = abuse.detect(text, "en")
    assert not verdict.abusive and verdict.terms == ()
    assert "profanity" not in signals.detect(text, language="en").features


@pytest.mark.parametrize("text", [
    "This is fucking useless, sort it out.",
    "What a load of bullshit, you bitch.",
    "Shut up, you stupid cunt.",
])
def test_swear_words_and_slurs_still_are(abuse, signals, text):
    verdict = abuse.detect(text, "en")
    assert verdict.abusive and "profanity" in verdict.kinds
    assert "profanity" in signals.detect(text, language="en").features


@pytest.mark.parametrize(("text", "language"), [
    ("Ma commande est en retard, je rappellerai plus tard.", "fr"),
    ("Till slut kom paketet, men en prick på skärmen.", "sv"),
    ("Der Karton ist zu dick für den Briefkasten.", "de"),
])
def test_a_word_the_message_s_language_uses_innocently_is_not_profane(abuse, text, language):
    assert abuse.detect(text).abusive  # read as English, it would be
    assert not abuse.detect(text, language).abusive
