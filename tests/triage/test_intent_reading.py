"""What the intent classifier reads of an e-mail, and when it abstains without being shown
any message of no category."""

import numpy as np

from hubdesk.triage.intent.customer_words import customer_words
from hubdesk.triage.intent.thresholds import choose_threshold
from hubdesk.triage.intent.training import TrainingOptions, train_intent_classifier

from .conftest import PHRASES, generated_examples

MAIL = """Hello team,

{words}

Best regards,
Anna Keller
Purchasing | Northwind Traders

This e-mail and any attachments are confidential and intended for the addressee only.

On Mon, 3 May 2021 at 10:12, Support <help@example.com> wrote:
> Thank you for contacting us.
> {quoted}
"""


def test_an_email_is_read_without_its_greeting_signature_and_quoted_thread():
    mail = MAIL.format(words="my new card has not arrived yet", quoted="refund not received")
    assert customer_words(mail) == "my new card has not arrived yet"


def test_quoted_threads_are_cut_in_the_forms_mail_programs_write_them():
    for thread in ("-----Original Message-----\nFrom: Support\nrefund please",
                   "From: Support <help@example.com>\nSent: Monday\nSubject: refund\nrefund",
                   "Le lun. 3 mai 2021, Support a écrit :\nrefund please",
                   "Am 03.05.2021 um 10:12 schrieb Support <help@example.com>:\nrefund please",
                   "> refund please\n> thanks"):
        assert customer_words(f"where is my card\n\n{thread}") == "where is my card"


def test_a_web_forms_from_line_is_not_taken_for_a_quoted_thread():
    form = "Name: Ana\nFrom: ana@example.com\nMessage: where is my card"
    assert customer_words(form) == form


def test_a_one_line_message_and_a_message_of_only_boilerplate_are_kept_whole():
    assert customer_words("price > 5, card < 3") == "price > 5, card < 3"
    assert customer_words("Thanks!") == "Thanks!"
    assert customer_words("Hi Anna,\n> refund please") == "Hi Anna,\n> refund please"


def test_a_short_question_under_a_long_quoted_one_is_filed_by_its_own_words():
    """An n-gram model reading everything files the reply by the longer quoted message."""
    model = train_intent_classifier(generated_examples(seed=7))
    quoted = "\n> ".join(PHRASES["refund"])
    mail = MAIL.format(words="where is my replacement card", quoted=quoted)
    assert model.predict(mail).alternatives[0][0] == "card_arrival"




def test_without_out_of_scope_examples_the_least_confident_held_out_share_abstains():
    """Held-out answers all right: the accuracy rule alone never abstains, so no message of
    a category the desk never trained on was ever caught."""
    rng = np.random.default_rng(0)
    classes = np.array(["a", "b", "c"], dtype=object)
    confident = rng.uniform(0.5, 0.99, size=300)
    probabilities = np.column_stack([confident, (1 - confident) / 2, (1 - confident) / 2])
    truth = ["a"] * 300
    threshold, metrics = choose_threshold(np.log(probabilities), classes, truth,
                                          TrainingOptions())
    assert threshold == round(float(np.quantile(confident, 0.01)), 4)
    assert 0 < metrics["abstain_rate"] <= 0.02
    few = choose_threshold(np.log(probabilities[:50]), classes, truth[:50], TrainingOptions())
    assert few[0] == 0.0  # too few held out to estimate their lowest 1 %


def test_a_message_of_no_category_is_left_to_a_human_without_out_of_scope_examples():
    model = train_intent_classifier(generated_examples(per_phrase=45, seed=8))
    assert model.metrics["validation"]["examples"] >= 100
    assert model.threshold > 0
    assert model.predict("what will the weather be like on saturday").abstained
    assert model.predict("my new card has not arrived yet").category == "card_arrival"
