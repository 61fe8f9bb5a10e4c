"""Shapes of everyday mail the text must survive: signed mail (the signature is for mail
clients, not a file for agents), encrypted mail (kept, and said to the agent and the customer
rather than filed empty), HTML tables (cells stay apart as words), unnamed parts (named with
the extension they open by)."""

from __future__ import annotations

from hubdesk.bootstrap import Hub
from hubdesk.channels.email.htmltext import html_to_text
from hubdesk.channels.email.intake import take
from hubdesk.channels.email.parsing import StdlibMailParser
from hubdesk.domain.mail import Outcome
from hubdesk.services.mail_outbound import deliveries
from tests.channels.email.conftest import SUPPORT, filed_ticket

HEAD = (f"From: Ana <ana@example.com>\r\nTo: {SUPPORT}\r\nSubject: Order 1234\r\n"
        "MIME-Version: 1.0\r\n")


def _mail(body: str, message_id: str = "<shape@example.com>") -> bytes:
    return (HEAD + f"Message-ID: {message_id}\r\n" + body).encode()


S_MIME_SIGNED = _mail(
    'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; '
    'micalg=sha-256; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
    "Where is my parcel?\r\n--b\r\nContent-Type: application/pkcs7-signature; "
    'name="smime.p7s"\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; '
    'filename="smime.p7s"\r\n\r\nMIAGCSqGSIb3DQEHAqCAMIACAQEx\r\n--b--\r\n')
S_MIME_ENCRYPTED = _mail(
    'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\r\n'
    "Content-Transfer-Encoding: base64\r\n"
    'Content-Disposition: attachment; filename="smime.p7m"\r\n\r\n'
    "MIAGCSqGSIb3DQEHA6CAMIACAQAxggFZ\r\n", "<sealed@example.com>")
PGP_MIME = _mail(
    'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b"'
    "\r\n\r\n--b\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--b\r\n"
    'Content-Type: application/octet-stream; name="encrypted.asc"\r\n\r\n'
    "-----BEGIN PGP MESSAGE-----\r\n\r\nhQEMA1234\r\n-----END PGP MESSAGE-----\r\n--b--\r\n")
PGP_INLINE = _mail("Content-Type: text/plain; charset=us-ascii\r\n\r\n"
                   "-----BEGIN PGP MESSAGE-----\r\n\r\nhQEMA1234\r\n-----END PGP MESSAGE-----\r\n")
PGP_CLEARSIGNED = _mail("Content-Type: text/plain; charset=us-ascii\r\n\r\n"
                        "-----BEGIN PGP SIGNED MESSAGE-----\r\nHash: SHA256\r\n\r\n"
                        "Where is my parcel?\r\n-----BEGIN PGP SIGNATURE-----\r\n"
                        "iQEzBAEBCAAdFiEE\r\n-----END PGP SIGNATURE-----\r\n")


def test_a_signed_mail_is_its_text_without_the_signature_file() -> None:
    parsed = StdlibMailParser().parse(S_MIME_SIGNED)
    assert parsed.text == "Where is my parcel?"
    assert parsed.attachments == () and parsed.notices == ()
    clearsigned = StdlibMailParser().parse(PGP_CLEARSIGNED)
    assert "Where is my parcel?" in clearsigned.text and clearsigned.notices == ()


def test_encrypted_mail_is_kept_and_said_to_be_unreadable() -> None:
    for raw, kept in ((S_MIME_ENCRYPTED, ["smime.p7m"]), (PGP_MIME, ["encrypted.asc"]),
                      (PGP_INLINE, [])):
        parsed = StdlibMailParser().parse(raw)
        assert [a.filename for a in parsed.attachments] == kept
        assert len(parsed.notices) == 1
        assert "the desk cannot read it; please send the text again without encryption" in \
            parsed.notices[0]


def test_the_customer_is_told_their_encrypted_mail_cannot_be_read(mail_hub: Hub) -> None:
    assert take(mail_hub.app, S_MIME_ENCRYPTED, source="test") is Outcome.CREATED
    detail = filed_ticket(mail_hub, "<sealed@example.com>")
    notices = detail.messages[0].channel_meta["notices"]
    assert notices == ["smime.p7m (S/MIME) is encrypted or sealed, and the desk cannot read "
                       "it; please send the text again without encryption"]
    mail_hub.app.relay_outbox()
    [acknowledgement] = deliveries(mail_hub.uows, detail.ticket.id)
    assert acknowledgement.kind == "acknowledgement"
    assert "Please note: smime.p7m (S/MIME) is encrypted or sealed" in acknowledgement.body_text


def test_html_table_cells_stay_apart_as_words() -> None:
    form = ("<table><tr><th>Field</th><th>Value</th></tr>"
            "<tr><td>Name:</td><td>Ana Lima</td></tr>"
            "<tr><td><b>Order</b></td><td>1234</td><td></td><td>late</td></tr></table>")
    assert html_to_text(form) == "Field\tValue\nName:\tAna Lima\nOrder\t1234\tlate"
    assert html_to_text(f"<p>Your order:</p>{form}<p>Thanks</p>") == (
        "Your order:\n\nField\tValue\nName:\tAna Lima\nOrder\t1234\tlate\n\nThanks")


def test_parts_without_a_name_are_named_with_the_extension_they_open_by() -> None:
    raw = _mail('Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
                "Content-Type: text/plain\r\n\r\nSee the invitation.\r\n--b\r\n"
                "Content-Type: text/calendar; method=REQUEST\r\n\r\nBEGIN:VCALENDAR\r\n"
                "END:VCALENDAR\r\n--b\r\nContent-Type: image/jpeg\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n/9j/4AAQ\r\n--b\r\n"
                "Content-Type: application/x-hubdesk-unknown\r\n\r\nx\r\n--b--\r\n")
    parsed = StdlibMailParser().parse(raw)
    assert [a.filename for a in parsed.attachments] == [
        "text.ics", "image.jpg", "application.x-hubdesk-unknown"]


def test_text_signed_inline_is_its_words_without_the_armor() -> None:
    """OpenPGP's clear-signed text: the signed words, not the "BEGIN PGP SIGNED MESSAGE"
    line, its "Hash:" header or the signature block; a dash-escaped line gets its dash
    back; the words after the block stay."""
    signed = _mail("Content-Type: text/plain; charset=us-ascii\r\n\r\n"
                   "-----BEGIN PGP SIGNED MESSAGE-----\r\nHash: SHA512\r\n\r\n"
                   "My parcel 5512 never arrived.\r\n- -- \r\nHans\r\n"
                   "-----BEGIN PGP SIGNATURE-----\r\n\r\niQEzBAEBCgAdFiEE\r\n=Zx9Q\r\n"
                   "-----END PGP SIGNATURE-----\r\nSent by my mail server.\r\n")
    assert StdlibMailParser().parse(signed).text == \
        "My parcel 5512 never arrived.\n-- \nHans\nSent by my mail server."


def test_a_signed_looking_line_without_a_signature_is_left_as_written() -> None:
    text = ("Our script printed this:\r\n-----BEGIN PGP SIGNED MESSAGE-----\r\n"
            "Hash: SHA256\r\n\r\nand then stopped.\r\n")
    mail = StdlibMailParser().parse(_mail("Content-Type: text/plain\r\n\r\n" + text))
    assert mail.text == text.replace("\r\n", "\n").rstrip()
