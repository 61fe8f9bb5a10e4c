"""Text that declares no charset, or declares ASCII or Latin-1 wrongly, is read in the charset
of the script its bytes are: Cyrillic, Greek, Hebrew, Arabic, Thai, Chinese, Japanese and
Korean.
Western text, whose bytes above 127 stand alone, is read as Windows-1252 as before, and so is
whatever the bytes cannot tell apart."""

from __future__ import annotations

import pytest

from hubdesk.channels.email.decoding import decode_text
from hubdesk.channels.email.guessing import guess_charset
from hubdesk.channels.email.parsing import StdlibMailParser

TEXTS = {
    "ru": "Здравствуйте! Мой заказ номер 12345 до сих пор не пришёл. Прошу вернуть деньги.",
    "uk": "Доброго дня! Моє замовлення досі не прийшло, прошу повернути гроші.",
    "bg": "Здравейте, поръчката ми още не е пристигнала. Моля, върнете парите.",
    "zh": "您好，我的订单还没有到，请帮我退款。谢谢！",
    "zh-hant": "您好，我的訂單還沒有到，請幫我退款。謝謝！",
    "zh-brand": "您好，我的iPhone 15无法开机，请问怎么办？订单号是12345。",
    "ja": "こんにちは。注文した商品がまだ届いていません。返金をお願いします。",
    "ko": "안녕하세요. 주문한 상품이 아직 도착하지 않았습니다. 환불 부탁드립니다.",
    "el": "Καλησπέρα, η παραγγελία μου δεν έχει φτάσει ακόμα. Παρακαλώ επιστρέψτε τα χρήματα.",
    "el-short": "Άννα: Ευχαριστώ πολύ για τη βοήθεια!",
    "he": "שלום, ההזמנה שלי עדיין לא הגיעה. אנא החזירו לי את הכסף.",
    "ar": "مرحبا، طلبي لم يصل بعد. أرجو إعادة المبلغ.",
    "fa": "سلام، سفارش من هنوز نرسيده است. لطفا پيگيري كنيد.",  # as Windows-1256 spells it
    # Capitals, a dash and no "я": Mac Cyrillic reads these bytes as letters too.
    "ru-dash": "Ничего здесь не забудьте — командует Иван Петрович, как в бою.",
    "th": "สวัสดีครับ คำสั่งซื้อของผมยังไม่มาถึงเลย กรุณาคืนเงินด้วยครับ",
    # Thai whose bytes read as well-formed Big5 and EUC-JP.
    "th-as-big5": "แอปพลิเคชันค้างทุกครั้งที่เปิดหน้าชำระเงิน",
    "th-as-euc-jp": "ราคาเท่าไหร่ครับ",
    # Mostly hiragana, which EUC-KR reads as Hangul letters.
    "ja-kana": "まだ届いていないのですが、どうなっているのでしょうか？",
    "ja-kana-short": "返金はいつになるのでしょうか。",
    # Korean's letters alone, as laughter and tears.
    "ko-laughing": "넵ㅋㅋ 알겠습니다 ㅠㅠ",
    # Chinese that EUC-KR reads as Hangul syllables, without a space between them.
    "zh-as-korean": "账户被冻结了，无法登录，请帮忙解决。",
    # Arabic without the article; with typography; with a time GB18030 reads as Han.
    "ar-short": "أين طلبي؟ لم يصل بعد",
    "ar-typeset": "قال: «سأعود غدا» ثم ذهب…",
    "ar-bullet": "• رقم الطلب 12345 – لم يصل",
    "ar-time": "الساعة الآن 10:15 AM.",
    "ru-typeset": "Он сказал: «Заказ придёт завтра» — и не пришёл.",
    # Long enough that Mac Cyrillic's "Ю" read as Windows-1251's "ћ" is one letter in fifty.
    "ru-mac-capital": "Юридический адрес указан неверно, исправьте его в договоре и пришлите "
                      "новую копию на почту.",
}
WRITTEN_IN = [("ru", "cp1251"), ("ru", "koi8_r"), ("ru", "cp866"), ("ru", "iso8859_5"),
              ("ru", "mac_cyrillic"), ("uk", "cp1251"), ("uk", "koi8_u"), ("bg", "cp1251"),
              ("zh", "gb2312"), ("zh", "gbk"), ("zh", "gb18030"), ("zh-hant", "big5"),
              ("zh-brand", "gb2312"),
              ("ja", "euc_jp"), ("ja", "shift_jis"), ("ko", "euc_kr"),
              ("el", "cp1253"), ("el", "iso8859_7"), ("el-short", "cp1253"),
              ("el-short", "iso8859_7"), ("he", "cp1255"), ("he", "iso8859_8"),
              ("ar", "cp1256"), ("ar", "iso8859_6"), ("fa", "cp1256"), ("ru-dash", "cp1251"),
              ("th", "cp874"), ("th", "tis_620"), ("th", "iso8859_11"), ("th-as-big5", "cp874"),
              ("th-as-euc-jp", "cp874"), ("ja-kana", "euc_jp"), ("ja-kana-short", "euc_jp"),
              ("ko-laughing", "euc_kr"), ("zh-as-korean", "gb2312"), ("ar-short", "cp1256"),
              ("ar-short", "iso8859_6"), ("ar-typeset", "cp1256"), ("ar-bullet", "cp1256"),
              ("ar-time", "cp1256"), ("ru-typeset", "cp1251"), ("ru-mac-capital", "mac_cyrillic")]
# What clients write when they know no better.
DEFAULT_LABELS = [None, "us-ascii", "iso-8859-1", "windows-1252"]

WESTERN = [
    "Bonjour, ma commande n'est toujours pas arrivée. Pourriez-vous me rembourser ? Hélène",
    "Guten Tag, meine Bestellung ist noch nicht angekommen. Grüße, Jürgen Müßig, Größe XL",
    "Hola, ¿podrían devolverme el dinero? Gracias, Íñigo Muñoz",
    "Olá, a minha encomenda ainda não chegou. Obrigado, João Gonçalves",
    "Góðan daginn, pöntunin mín er ekki komin. Þórður Ægisson, Ólafsfjörður",
    "ÉTÉ À PARIS, ÇA VA? ÀÉÎÕÜ",
    "Thanks ———————————— John",
    "Les caractères spéciaux: éèêëàâîïôûùç",  # a run of letters, but inside Latin words
    "Mañana ñáéíóú ÑÁÉÍÓÚ ¿¡",
    "Crème brûlée, œuvre, naïveté: âêîôû ÂÊÎÔÛ",
    "Merci •••••••• à bientôt « entre guillemets » … 50 € – fin",
    "¿Dónde está mi pedido? ¡Gracias! Windows® y Office©",
]


@pytest.mark.parametrize("label", DEFAULT_LABELS)
@pytest.mark.parametrize(("language", "charset"), WRITTEN_IN)
def test_text_in_another_script_is_read_in_its_charset(language, charset, label):
    text = TEXTS[language]
    decoded, declared_right = decode_text(text.encode(charset), label)
    assert decoded == text
    assert not declared_right


@pytest.mark.parametrize("label", DEFAULT_LABELS)
@pytest.mark.parametrize("text", WESTERN)
def test_western_text_is_read_as_before(text, label):
    raw = text.encode("cp1252")
    assert guess_charset(raw) is None
    decoded, declared_right = decode_text(raw, label)
    assert decoded == text
    assert declared_right == (label is not None)


@pytest.mark.parametrize("text", [
    "Результат оказался ошеломляющим.",
    "Этим обращением он сделал все, что было в его силах.",
])
def test_iso_8859_5_is_not_read_as_koi8(text):
    assert guess_charset(text.encode("iso8859_5")) == "iso8859_5"


@pytest.mark.parametrize(("text", "charset"), [
    ("после очень", "cp1251"),  # as Greek: xi for "о", upsilon with diaeresis for "ы"
    ("волчок чистого", "cp1251"),  # as Hebrew: words ending in letters' middle forms
    ("Рядом находилась деревня Силланкорва.", "koi8_r"),  # as Hebrew: mostly vowel points
    ("Ты делаешь только то, что предполагал делать.", "koi8_r"),  # as Arabic: no article
])
def test_cyrillic_is_not_read_as_greek_hebrew_or_arabic(text, charset):
    assert decode_text(text.encode(charset), None)[0] == text


@pytest.mark.parametrize(("text", "charset"), [
    ("Жду ответа.", "koi8_r"),
    ("Я сам к тебе зайду.", "cp1251"),  # "Я" is a symbol in ISO-8859-8, not typography
    ("Кому мало дают.", "koi8_r"),
    ("Там же и лекарство.", "cp1251"),  # as ISO-8859-6: Arabic without its article
])
def test_short_cyrillic_lines_are_not_read_as_thai_hebrew_or_arabic(text, charset):
    assert decode_text(text.encode(charset), None)[0] == text


def test_polish_spelt_with_a_symbol_ending_a_word_is_read_as_polish():
    # "już" as Windows-1252 is "ju¿": the Spanish mark opens words, it never ends one.
    text = "Akcja to już czwarty album."
    assert decode_text(text.encode("cp1250"), None)[0] == text


def test_a_declared_charset_other_than_the_defaults_is_trusted():
    raw = TEXTS["ru"].encode("koi8_r")
    assert decode_text(raw, "koi8-r") == (TEXTS["ru"], True)
    # Read as declared even though a guess would differ: the label is a real choice.
    assert decode_text(raw, "iso-8859-5")[1]


@pytest.mark.parametrize("label", ["us-ascii", "iso-8859-1", "windows-1252", "koi8-r"])
def test_plain_ascii_is_what_its_label_says(label):
    assert decode_text(b"Where is my order?", label) == ("Where is my order?", True)
    assert decode_text(b"Where is my order?", None) == ("Where is my order?", False)


def test_utf8_labelled_latin1_is_read_as_utf8():
    assert decode_text("Grüße, Zoë".encode(), "iso-8859-1") == ("Grüße, Zoë", False)


def test_a_mail_without_a_charset_shows_its_russian_text():
    text = TEXTS["ru"]
    raw = (b"From: Ivan <ivan@example.ru>\r\nTo: support@desk.test\r\nSubject: Order\r\n"
           b"Message-ID: <undeclared@example.ru>\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
           + text.encode("koi8_r") + b"\r\n")
    assert StdlibMailParser().parse(raw).text.strip() == text


def test_a_long_text_is_judged_by_its_start_and_read_whole():
    text = (TEXTS["ru"] + "\n") * 20_000  # 2.9 MB
    assert decode_text(text.encode("koi8_r"), None)[0] == text
    # Past the start, bytes the guessed charset cannot read: the text is still read, as
    # Windows-1252 like any text no charset reads.
    raw = (TEXTS["ko"].encode("euc_kr") + b"\n") * 2000 + b"\xff\xff"
    assert decode_text(raw, None) == (raw.decode("windows-1252", "replace"), False)


def test_an_undeclared_subject_is_read_in_the_charset_its_bytes_fit():
    subject = "Заказ не пришёл, верните деньги"
    raw = (b"From: Ivan <ivan@example.ru>\r\nTo: support@desk.test\r\nSubject: "
           + subject.encode("cp1251") + b"\r\nMessage-ID: <subject@example.ru>\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n"
           + TEXTS["ru"].encode("cp1251") + b"\r\n")
    parsed = StdlibMailParser().parse(raw)
    assert (parsed.subject, parsed.text.strip()) == (subject, TEXTS["ru"])


def test_utf8_text_with_a_windows_1252_disclaimer_added_reads_both_parts():
    words = "Bonjour, ma commande n°4471 n'est jamais arrivée. Merci d'avance – Zoé"
    disclaimer = "Ce message et ses pièces jointes sont confidentiels. Sécurité garantie."
    raw = (b"From: Zoe <zoe@example.fr>\r\nTo: support@desk.test\r\nSubject: Commande\r\n"
           b"Message-ID: <mixed@example.fr>\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
           b"\r\n" + words.encode("utf-8") + b"\r\n\r\n-- \r\n"
           + disclaimer.encode("windows-1252") + b"\r\n")
    assert StdlibMailParser().parse(raw).text.strip() == f"{words}\n\n-- \n{disclaimer}"
    # Labelled as Latin-1, as some gateways relabel what they pass on.
    assert decode_text(words.encode() + disclaimer.encode("cp1252"), "iso-8859-1") == (
        words + disclaimer, False)


def test_bytes_mostly_not_utf8_are_read_as_windows_1252_throughout():
    """Each byte that is not UTF-8 in UTF-8 text is read on its own, at a call into Python
    each: 20 MB of bytes at random took 9 seconds. Past a hundred thousand of them the text
    is not UTF-8 with a disclaimer added, and is read as Windows-1252 at once."""
    western = "é".encode("cp1252") * 100_001
    payload = "Zoé ".encode() + western
    text, declared_right = decode_text(payload, None)
    assert text == "ZoÃ© " + "é" * 100_001 and declared_right is False
    # One fewer, and each part is read as it was written, as before.
    assert decode_text("Zoé ".encode() + western[1:], None)[0] == "Zoé " + "é" * 100_000
