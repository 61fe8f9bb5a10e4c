"""Agent-side phrases of the demo: replies, questions, internal notes and hand-offs."""

from __future__ import annotations

AGENT_GREETINGS = {
    "en": ("Hi {name},", "Hello {name},", "Dear {name},",
           "Hi {name}, thanks for getting in touch."),
    "de": ("Hallo {name},", "Guten Tag {name},"),
    "fr": ("Bonjour {name},",),
    "es": ("Hola {name},",),
}
AGENT_SIGN_OFFS = {
    "en": ("Best regards,\n{agent}\nCustomer Care", "Kind regards,\n{agent}",
           "Thanks for your patience,\n{agent}", "All the best,\n{agent} from the support team"),
    "de": ("Viele Grüße\n{agent}\nKundenservice", "Freundliche Grüße\n{agent}"),
    "fr": ("Cordialement,\n{agent}\nService client", "Bien à vous,\n{agent}"),
    "es": ("Saludos,\n{agent}\nAtención al cliente",),
}
AGENT_QUESTIONS = {
    "en": ("Could you send me the order number and the e-mail address used at checkout?",
           "Could you attach a screenshot of the error and tell me which browser you use?",
           "To verify the account, please confirm the last four digits of the card used.",
           "Could you confirm the delivery address, including the postcode?"),
    "de": ("Können Sie mir bitte die Bestellnummer und die verwendete E-Mail-Adresse senden?",
           "Könnten Sie einen Screenshot der Fehlermeldung schicken?"),
    "fr": ("Pourriez-vous m'envoyer le numéro de commande et l'adresse e-mail utilisée ?",
           "Pourriez-vous joindre une capture d'écran du message d'erreur ?"),
    "es": ("¿Podría enviarme el número de pedido y el correo utilizado?",),
}

AGENT_REPLIES: dict[str, dict[str, tuple[str, ...]]] = {
    "billing": {
        "en": ("I checked order {order}: the second charge of {amount} was only a "
               "pre-authorisation and will drop off your statement within {days} days.",
               "I've reissued invoice {invoice} with your VAT number; you'll find it attached "
               "in your account under Billing.",
               "You were right, the amount was wrong. I've refunded the difference of {amount}.",
               "The payment did go through, so there's nothing more to do on your side."),
        "de": ("Ich habe die Bestellung {order} geprüft: Die zweite Buchung über {amount} ist "
               "nur eine Vormerkung und verschwindet in {days} Tagen.",
               "Die Rechnung {invoice} wurde mit Ihrer USt-IdNr. neu ausgestellt."),
        "fr": ("J'ai vérifié la commande {order} : le second débit de {amount} est une "
               "pré-autorisation qui disparaîtra sous {days} jours.",),
    },
    "shipping": {
        "en": ("I contacted {carrier}: the parcel ({tracking}) is at the depot in {city} and "
               "will be delivered tomorrow.",
               "It looks like the parcel was lost. I've sent a replacement {product} by express, "
               "new tracking number {tracking}.",
               "I've updated the delivery address for order {order}; it hasn't left our "
               "warehouse yet, so the change is in time.",
               "I've opened an investigation with {carrier}; they usually answer within "
               "{days} working days and I'll keep you posted."),
        "de": ("Ich habe bei {carrier} nachgefragt: Das Paket liegt im Depot {city} und wird "
               "morgen zugestellt.",
               "Wir schicken Ihnen kostenlos einen neuen {product}, Sendungsnummer {tracking}."),
        "fr": ("J'ai contacté {carrier} : le colis est au dépôt de {city} et sera livré demain.",
               "Nous vous envoyons un nouveau {product} en express, suivi {tracking}."),
    },
    "login": {
        "en": ("I've reset two-factor authentication on your account; at the next sign-in "
               "you'll be asked to scan a new code.",
               "Our e-mails were going to your spam folder. I've sent a fresh reset link; it's "
               "valid for one hour.",
               "Your account was locked after several failed attempts. I've unlocked it.",
               "Your company's SSO settings changed on their side; I've asked your administrator "
               "to update the certificate."),
        "de": ("Ich habe die Zwei-Faktor-Anmeldung zurückgesetzt; beim nächsten Login scannen "
               "Sie bitte den neuen Code.",),
        "fr": ("J'ai réinitialisé la double authentification ; scannez le nouveau code à la "
               "prochaine connexion.",),
    },
    "refunds": {
        "en": ("The refund of {amount} for order {order} was issued today; banks need "
               "{days} working days to show it.",
               "The return arrived at our warehouse and I've approved the full refund.",
               "I've refunded the remaining {amount}; sorry for the mix-up."),
        "de": ("Die Erstattung über {amount} wurde heute veranlasst.",),
        "fr": ("Le remboursement de {amount} a été effectué aujourd'hui.",),
    },
    "bugs": {
        "en": ("Thanks for the detailed report. Our developers reproduced the problem with "
               "{feature} and a fix is scheduled for this week.",
               "This is a known issue in {browser}. As a workaround, please clear the cache or "
               "use another browser until the fix is out.",
               "The fix for {feature} has been released; could you try again?"),
    },
    "cancellations": {
        "en": ("I've cancelled your {plan} subscription; it stays active until the end of the "
               "paid period and will not renew.",
               "Order {order} is cancelled and the {amount} will go back to your card.",
               "Before you go: I can offer you three months of {plan} at half price. If you'd "
               "still rather cancel, just reply and I'll do it right away."),
        "de": ("Ihr {plan}-Abo ist gekündigt und läuft zum Ende des bezahlten Zeitraums aus.",),
        "fr": ("Votre abonnement {plan} est résilié et ne sera pas renouvelé.",),
    },
    "outages": {
        "en": ("We had a partial outage between 9:05 and 10:20 UTC; everything is back to "
               "normal now. Our status page has the full incident report.",
               "Our engineers are working on it right now. I'll update you as soon as it's "
               "resolved.",
               "The API errors were caused by a faulty deployment that has been rolled back."),
    },
    "returns": {
        "en": ("I'm sorry the {product} arrived damaged. A return label is attached and a "
               "replacement will ship as soon as the carrier scans the parcel.",
               "Here is your return label for order {order}. Once we receive the item we'll "
               "refund {amount} within {days} days.",
               "I've arranged an exchange; the new {product} ships today."),
        "de": ("Den Retourenschein für Bestellung {order} finden Sie im Anhang.",),
        "fr": ("Vous trouverez l'étiquette de retour pour la commande {order} en pièce jointe.",),
    },
    "account": {
        "en": ("I've changed the e-mail address on your account; please confirm it through "
               "the link we just sent.",
               "Your data export is ready and will be e-mailed within 24 hours.",
               "Your account will be deleted in {days} days; reply within that time if you "
               "change your mind."),
    },
    "sales": {
        "en": ("Attached is a quote for {seats} seats on {plan}, valid until the end of {month}.",
               "Yes, annual billing saves two months. I've added the option to your account.",
               "I've extended your trial by seven days; enjoy!"),
    },
}

NOTES: dict[str, tuple[str, ...]] = {
    "billing": ("Checked the payment log: two captures of {amount}, second one voided.",
                "Customer's VAT number validated in VIES.",
                "Refund over €100: needs a lead's approval."),
    "shipping": ("{carrier} portal shows the parcel scanned in {city}; no delivery attempt yet.",
                 "Third delay for this customer this quarter; offered free shipping code.",
                 "Opened a trace with {carrier}, reference {tracking}."),
    "login": ("Identity verified by last four card digits.",
              "Reset logs show the mail bounced; address had a typo.",
              "SSO metadata expired on the customer's side."),
    "refunds": ("Return received at the warehouse, condition OK.",
                "Original card expired; refund goes to store credit unless the customer objects."),
    "bugs": ("Reproduced on staging with {browser}. Logged as ENG-{days}{days}.",
             "Same issue reported by two other customers today; linking them."),
    "cancellations": ("Offered the retention discount; customer declined.",
                      "Contract has a 30-day notice period; end date confirmed."),
    "outages": ("Part of the incident from this morning; replying with the status page link.",
                "Engineering confirmed the rollback; closing once the customer confirms."),
    "returns": ("Photos show transport damage; no need to send the item back.",
                "Exchange approved by the lead."),
    "account": ("GDPR request: export triggered, deadline in 30 days.",
                "Old address still used on two open orders; updated both."),
    "sales": ("Large account, looping in the account manager.",
              "Discount above 15% needs the manager's sign-off."),
}
GENERAL_NOTES = ("Customer sounded frustrated on the phone; be extra clear in the reply.",
                 "Waiting for the customer to send the order number.",
                 "Spoke to the customer by phone, summary above.",
                 "Possible duplicate of an earlier ticket from the same customer.")
HANDOFF_NOTES = ("Handing over to {department}: order {order}, amount {amount}. "
                 "Customer has been told to expect an answer within two days.",
                 "{department}, could you take a look? Details in the conversation; "
                 "I've already checked the basics.",
                 "Needs {department}: outside what frontline can decide.")
LIAISON_NOTES = ("Taken by our side; we'll update here by tomorrow.",
                 "Done on our end. You can let the customer know.",
                 "Checked it: the order {order} is fine on our side, the issue was with the "
                 "carrier.",
                 "Approved. Please proceed.")
