"""What the intent classifier reads of an e-mail."""

from hubdesk.triage.intent.customer_words import customer_words
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
                   "Le lun. 3 mai 2021, Support a écrit :\nrefund please",
                   "Am 03.05.2021 um 10:12 schrieb Support <help@example.com>:\nrefund please",
                   "> refund please\n> thanks"):
        assert customer_words(f"where is my card\n\n{thread}") == "where is my card"


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
