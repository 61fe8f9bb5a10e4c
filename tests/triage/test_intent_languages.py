"""Desks that write without spaces between words (Japanese, Chinese), with or without
accents, and with emoji."""

import random

from hubdesk.triage.intent.training import TrainingOptions, train_intent_classifier

CATEGORIES = {
    "card_arrival": ["カードがまだ届きません", "新しいカードはいつ届きますか",
                     "我的卡还没有收到", "新卡什么时候寄到", "Je n'ai pas reçu ma carte",
                     "Mi tarjeta todavía no llegó"],
    "refund": ["返金をお願いします", "返金はいつされますか", "请给我退款", "退款什么时候到账",
               "Je veux être remboursé", "Quiero un reembolso"],
    "password_reset": ["パスワードを忘れました", "パスワードをリセットしたい", "我忘记密码了",
                       "怎么重置密码", "J'ai oublié mon mot de passe", "Olvidé mi contraseña"],
}


def trained():
    examples = [(text, category) for category, texts in CATEGORIES.items() for text in texts]
    return train_intent_classifier(examples * 2, TrainingOptions())


def test_scripts_without_spaces_accents_left_out_and_emoji_are_read_by_their_characters():
    model = trained()
    for text, category in [("カードが届かないです", "card_arrival"), ("我要退款", "refund"),
                           ("重置密码", "password_reset"), ("je n'ai pas recu ma carte 😡",
                                                        "card_arrival"),
                           ("olvide mi contrasena", "password_reset"), ("😡😡 退款!!!", "refund")]:
        assert model.predict(text).alternatives[0][0] == category, text


def test_long_runs_without_spaces_are_not_remembered_between_messages():
    """A sentence without spaces is one "word" to the n-gram cache, rarely seen twice and a
    thousand times a word's size: remembering them grew a server without bound."""
    model = trained()
    assert model.linear is not None
    characters = "".join(CATEGORIES["card_arrival"][:2] + CATEGORIES["refund"][:2])
    rng = random.Random(0)
    for _ in range(50):
        model.predict("".join(rng.choice(characters) for _ in range(400)))
    model.predict("where is my card")
    char_part = model.linear.featurizer._parts()[1]
    remembered = char_part.__dict__["_columns_of"].cache_info().currsize
    assert 0 < remembered <= 4
