"""What the intent classifier reads of an e-mail, and when it abstains without being shown
any message of no category."""

import numpy as np
import pytest

from hubdesk.triage.intent.customer_words import customer_words
from hubdesk.triage.intent.thresholds import balanced_quantile, choose_threshold
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


def test_the_held_out_floor_weighs_each_category_alike_so_rare_ones_are_not_its_cost():
    """One common category held out 500 times, five rare ones 4 times each and less confident:
    counted message by message, the lowest 1 % were all rare, and a quarter of the rare
    categories' messages abstained while the common one's all answered."""
    rng = np.random.default_rng(3)
    rare = ["b", "c", "d", "e", "f"]
    classes = np.array(["a", *rare], dtype=object)
    truth = ["a"] * 500 + [name for name in rare for _ in range(4)]
    confidence = np.concatenate([rng.uniform(0.9, 0.99, 500), rng.uniform(0.4, 0.6, 20)])
    probabilities = np.full((len(truth), len(classes)), 0.0)
    for row, (label, top) in enumerate(zip(truth, confidence, strict=True)):
        probabilities[row] = (1 - top) / (len(classes) - 1)
        probabilities[row, list(classes).index(label)] = top
    # Every held-out answer is right, so the accuracy rule never abstains: the floor decides.
    threshold, _ = choose_threshold(np.log(probabilities), classes, truth, TrainingOptions())
    rare_confidence = confidence[500:]
    assert threshold > 0
    assert (rare_confidence < threshold).sum() <= 1
    assert (confidence[:500] < threshold).sum() == 0


def test_the_held_out_floor_is_numpys_quantile_when_categories_are_the_same_size():
    rng = np.random.default_rng(4)
    values = rng.uniform(size=600)
    categories = np.array(["a", "b", "c"] * 200, dtype=object)
    assert balanced_quantile(values, categories, 0.01) == pytest.approx(
        float(np.quantile(values, 0.01)))
