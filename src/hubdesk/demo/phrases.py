"""Customer-side phrases of the demo: subjects, openings and details per category and language.

English is complete; German, French and Spanish cover the commonest categories (the composer
falls back to English elsewhere, as real customers often do).
"""

from __future__ import annotations

GREETINGS = {
    "en": ("Hi,", "Hello,", "Hello support team,", "Hi there,", "Dear Sir or Madam,",
           "Good morning,", "Hey,"),
    "de": ("Hallo,", "Guten Tag,", "Sehr geehrte Damen und Herren,", "Hallo zusammen,"),
    "fr": ("Bonjour,", "Madame, Monsieur,", "Bonjour à toute l'équipe,"),
    "es": ("Hola,", "Buenos días,", "Estimado equipo de soporte,"),
}
ASKS = {
    "en": ("Could you please look into this?", "What are my options here?",
           "Please let me know what you need from me.", "I'd appreciate a quick answer.",
           "Can you sort this out today?", "Thanks in advance for your help.",
           "This is the second time I'm writing about this, so please treat it as urgent."),
    "de": ("Können Sie sich das bitte ansehen?", "Bitte melden Sie sich kurz zurück.",
           "Vielen Dank im Voraus für Ihre Hilfe.", "Was kann ich jetzt tun?"),
    "fr": ("Pouvez-vous regarder cela rapidement ?", "Merci de me tenir au courant.",
           "Merci d'avance pour votre aide.", "Que dois-je faire maintenant ?"),
    "es": ("¿Podrían revisarlo, por favor?", "Gracias de antemano por su ayuda.",
           "¿Qué opciones tengo?"),
}
SIGN_OFFS = {
    "en": ("Thanks,\n{name}", "Best regards,\n{name}", "Cheers,\n{name}", "Kind regards,\n{name}",
           "{name}", "Many thanks,\n{name}"),
    "de": ("Viele Grüße\n{name}", "Mit freundlichen Grüßen\n{name}", "Danke und Gruß\n{name}"),
    "fr": ("Cordialement,\n{name}", "Merci,\n{name}", "Bien à vous,\n{name}"),
    "es": ("Saludos,\n{name}", "Un saludo,\n{name}", "Gracias,\n{name}"),
}
FOLLOW_UPS = {
    "en": ("Any news on this? I still haven't heard back about order {order}.",
           "I tried what you suggested but it didn't help, the problem is still there.",
           "Here is the extra information you asked for: the order number is {order} and I "
           "paid {amount} by card.", "I've attached a screenshot. It still shows {error}.",
           "Sorry for the late reply, I was travelling. Yes, the address in {city} is correct.",
           "Just checking in again. It has been {days} days now."),
    "de": ("Gibt es schon Neuigkeiten zu Bestellung {order}?",
           "Ich habe es wie beschrieben versucht, leider ohne Erfolg.",
           "Hier die gewünschten Angaben: Bestellnummer {order}, bezahlt habe ich {amount}."),
    "fr": ("Avez-vous du nouveau concernant la commande {order} ?",
           "J'ai essayé votre solution mais le problème persiste.",
           "Voici les informations demandées : commande {order}, montant {amount}."),
    "es": ("¿Hay alguna novedad sobre el pedido {order}?",
           "Lo he intentado pero el problema continúa."),
}
THANKS = {
    "en": ("That worked, thank you so much!", "Perfect, all sorted now. Thanks!",
           "Great, thanks for the quick help.", "Received it today, thanks {name} says hi!"),
    "de": ("Hat funktioniert, vielen Dank!", "Alles erledigt, danke für die schnelle Hilfe."),
    "fr": ("Ça fonctionne, merci beaucoup !", "Parfait, merci pour votre aide rapide."),
    "es": ("¡Funcionó, muchas gracias!",),
}

SURVEY_COMMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "good": {
        "en": ("Quick and friendly, thank you.", "Solved on the first reply.",
               "Clear explanation, much appreciated."),
        "de": ("Schnell und freundlich, danke.", "Gleich beim ersten Mal gelöst."),
        "fr": ("Rapide et aimable, merci.", "Réglé dès la première réponse."),
        "es": ("Rápido y amable, gracias.",),
    },
    "bad": {
        "en": ("Took far too long to get an answer.", "I had to explain everything twice.",
               "The answer did not fix my problem."),
        "de": ("Die Antwort hat viel zu lange gedauert.", "Ich musste alles zweimal erklären."),
        "fr": ("La réponse a mis beaucoup trop de temps.", "J'ai dû tout expliquer deux fois."),
        "es": ("La respuesta tardó demasiado.",),
    },
}

SUBJECTS: dict[str, dict[str, tuple[str, ...]]] = {
    "billing": {
        "en": ("Charged twice for order {order}", "Question about invoice {invoice}",
               "VAT missing on my invoice", "Wrong amount on invoice {invoice}",
               "Payment failed but money left my account", "Need a copy of invoice {invoice}",
               "Why was I charged {amount}?", "Update billing address for {plan} plan"),
        "de": ("Doppelte Abbuchung bei Bestellung {order}", "Frage zur Rechnung {invoice}",
               "Rechnung ohne Mehrwertsteuer", "Falscher Betrag abgebucht"),
        "fr": ("Double prélèvement pour la commande {order}", "Question sur la facture {invoice}",
               "TVA absente de ma facture"),
        "es": ("Cobro duplicado en el pedido {order}", "Consulta sobre la factura {invoice}"),
    },
    "shipping": {
        "en": ("Where is my order {order}?", "Parcel stuck in transit for {days} days",
               "Tracking number {tracking} not working", "{carrier} says delivered, nothing here",
               "Change delivery address for order {order}", "Delivery to {city} delayed again",
               "Order {order} arrived incomplete", "When will the {product} ship?"),
        "de": ("Wo bleibt meine Bestellung {order}?", "Paket seit {days} Tagen unterwegs",
               "Sendungsnummer {tracking} funktioniert nicht", "Lieferadresse ändern"),
        "fr": ("Où est ma commande {order} ?", "Colis bloqué depuis {days} jours",
               "Le suivi {tracking} ne fonctionne pas", "Changer l'adresse de livraison"),
        "es": ("¿Dónde está mi pedido {order}?", "Paquete retrasado {days} días"),
    },
    "login": {
        "en": ("Can't log in to my account", "Password reset e-mail never arrives",
               "Locked out after two-factor reset", "SSO login fails with {error}",
               "Two-factor codes not accepted", "Login loop on {browser}",
               "Account locked after too many attempts"),
        "de": ("Kann mich nicht anmelden", "Passwort-Reset-Mail kommt nicht an",
               "Zwei-Faktor-Code wird nicht akzeptiert"),
        "fr": ("Impossible de me connecter", "Je ne reçois pas l'e-mail de réinitialisation",
               "Code de double authentification refusé"),
    },
    "refunds": {
        "en": ("Refund for order {order} not received", "Requesting a refund for the {product}",
               "Refund still pending after {days} days", "Partial refund was too low",
               "How long does a refund take?", "Refund went to an old card"),
        "de": ("Rückerstattung für Bestellung {order} fehlt", "Erstattung für {product}"),
        "fr": ("Remboursement de la commande {order} non reçu",
               "Demande de remboursement pour {product}"),
        "es": ("Reembolso del pedido {order} no recibido",),
    },
    "bugs": {
        "en": ("{feature} shows {error}", "Bug: {feature} broken on {browser}",
               "App crashes when I open {feature}", "Export file is empty",
               "Dates wrong in {feature}", "Buttons not clickable on {browser}",
               "Duplicate entries in {feature}"),
        "de": ("Fehler in {feature}: {error}", "App stürzt ab"),
        "fr": ("Bug sur {feature} : {error}",),
    },
    "cancellations": {
        "en": ("Cancel my {plan} subscription", "Please cancel order {order}",
               "How do I cancel before renewal?", "Downgrade from {plan} to Starter",
               "Cancellation not confirmed", "Stop automatic renewal"),
        "de": ("Kündigung meines {plan}-Abos", "Bestellung {order} stornieren"),
        "fr": ("Résiliation de mon abonnement {plan}", "Annuler la commande {order}"),
        "es": ("Cancelar mi suscripción {plan}",),
    },
    "outages": {
        "en": ("Site down? Getting {error}", "API returning errors since this morning",
               "Everything is extremely slow today", "Webhooks not delivered since {month}",
               "Checkout unavailable for our customers",
               "Dashboard not loading for the whole team"),
        "de": ("Seite nicht erreichbar: {error}",),
        "fr": ("Le site est en panne : {error}",),
    },
    "returns": {
        "en": ("Return label for order {order}", "{product} arrived damaged",
               "Exchange {product} for a different size", "Wrong item delivered in order {order}",
               "Return window question", "Return sent back {days} days ago, no update"),
        "de": ("Retourenschein für Bestellung {order}", "{product} beschädigt angekommen"),
        "fr": ("Étiquette de retour pour la commande {order}", "{product} arrivé endommagé"),
        "es": ("{product} llegó dañado",),
    },
    "account": {
        "en": ("Change the e-mail address on my account", "Delete my account and data",
               "Request a copy of my personal data", "Merge two accounts",
               "Update company name on profile", "Add a colleague to our account"),
        "de": ("E-Mail-Adresse ändern", "Konto und Daten löschen"),
        "fr": ("Modifier l'adresse e-mail du compte", "Supprimer mon compte"),
    },
    "sales": {
        "en": ("Quote for {seats} seats on {plan}", "Upgrade to {plan} mid-cycle?",
               "Volume discount for {seats} {product}s", "Extend our trial by a week",
               "Do you offer annual billing?", "Pricing for non-profits"),
        "de": ("Angebot für {seats} Lizenzen", "Upgrade auf {plan}"),
        "fr": ("Devis pour {seats} licences", "Passage à l'offre {plan}"),
    },
}

OPENINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "billing": {
        "en": ("I just noticed two charges of {amount} on my card for order {order}.",
               "My invoice {invoice} shows {amount}, but the order total was lower.",
               "Our accounts team needs invoices with our VAT number on them.",
               "The payment for order {order} failed at checkout, but my bank shows it as paid."),
        "de": ("Mir wurden für Bestellung {order} zweimal {amount} abgebucht.",
               "Auf der Rechnung {invoice} fehlt die Mehrwertsteuer."),
        "fr": ("J'ai été débité deux fois de {amount} pour la commande {order}.",
               "La facture {invoice} ne mentionne pas la TVA."),
        "es": ("Me han cobrado dos veces {amount} por el pedido {order}.",),
    },
    "shipping": {
        "en": ("I ordered the {product} (order {order}) and it still hasn't arrived.",
               "The {carrier} tracking for {tracking} hasn't updated in {days} days.",
               "The tracking says the parcel was delivered yesterday, but nobody rang and "
               "there's nothing at the door.",
               "I'm moving to {city} next week and need to change the delivery address."),
        "de": ("Ich habe den {product} bestellt (Bestellung {order}), er ist noch nicht da.",
               "Die Sendungsverfolgung bei {carrier} zeigt seit {days} Tagen nichts Neues."),
        "fr": ("J'ai commandé le {product} (commande {order}) et je ne l'ai toujours pas reçu.",
               "Le suivi {carrier} n'a pas bougé depuis {days} jours."),
        "es": ("Pedí el {product} (pedido {order}) y todavía no ha llegado.",),
    },
    "login": {
        "en": ("Since this morning I can't sign in, it says my password is wrong.",
               "I requested a password reset three times and no e-mail arrived.",
               "I got a new phone and now my two-factor codes are rejected.",
               "When I sign in with our company SSO I get {error}."),
        "de": ("Seit heute Morgen kann ich mich nicht mehr anmelden.",
               "Ich habe ein neues Handy und die Zwei-Faktor-Codes funktionieren nicht mehr."),
        "fr": ("Depuis ce matin je ne peux plus me connecter.",
               "J'ai changé de téléphone et mes codes de double authentification sont refusés."),
    },
    "refunds": {
        "en": ("I returned the {product} {days} days ago and still have no refund.",
               "You confirmed a refund of {amount} for order {order}, but it never arrived.",
               "I was only refunded part of the {amount} I paid."),
        "de": ("Ich habe den {product} vor {days} Tagen zurückgeschickt, aber noch kein Geld "
               "erhalten.",),
        "fr": ("J'ai renvoyé le {product} il y a {days} jours et je n'ai pas été remboursé.",),
        "es": ("Devolví el {product} hace {days} días y no he recibido el reembolso.",),
    },
    "bugs": {
        "en": ("When I open {feature} in {browser} I get {error}.",
               "{feature} has stopped working since your last update.",
               "The export I downloaded from {feature} only contains the header row."),
        "de": ("Wenn ich {feature} öffne, erscheint {error}.",),
        "fr": ("Quand j'ouvre {feature}, j'obtiens {error}.",),
    },
    "cancellations": {
        "en": ("We'd like to cancel our {plan} subscription at the end of this month.",
               "I ordered the {product} by mistake (order {order}); please cancel it.",
               "I clicked cancel in the settings but never got a confirmation."),
        "de": ("Wir möchten unser {plan}-Abo zum Monatsende kündigen.",),
        "fr": ("Nous souhaitons résilier notre abonnement {plan} à la fin du mois.",),
        "es": ("Queremos cancelar nuestra suscripción {plan} a final de mes.",),
    },
    "outages": {
        "en": ("Since about 9:00 every page returns {error}.",
               "Our integration gets timeouts from your API for most requests.",
               "None of our {seats} users can load the dashboard."),
        "de": ("Seit etwa 9 Uhr liefert jede Seite {error}.",),
        "fr": ("Depuis 9 h environ, chaque page affiche {error}.",),
    },
    "returns": {
        "en": ("The {product} from order {order} arrived with a cracked base.",
               "I'd like to return the {product}; it doesn't fit my desk.",
               "I received a {product} instead of what I ordered."),
        "de": ("Der {product} aus Bestellung {order} kam beschädigt an.",),
        "fr": ("Le {product} de la commande {order} est arrivé cassé.",),
        "es": ("El {product} del pedido {order} llegó roto.",),
    },
    "account": {
        "en": ("I changed jobs and need the account moved to my new e-mail address.",
               "Under GDPR I'd like a copy of all data you hold about me.",
               "Please close my account and delete my personal data."),
        "de": ("Bitte löschen Sie mein Konto und meine Daten.",),
        "fr": ("Merci de supprimer mon compte et mes données personnelles.",),
    },
    "sales": {
        "en": ("We're a team of {seats} and are comparing plans.",
               "We're on {plan} and thinking about upgrading before the renewal in {month}.",
               "Could you send a formal quote for our purchasing department?"),
        "de": ("Wir sind ein Team von {seats} Personen und vergleichen Tarife.",),
        "fr": ("Nous sommes une équipe de {seats} personnes et comparons les offres.",),
    },
}

DETAILS: dict[str, dict[str, tuple[str, ...]]] = {
    name: {
        "en": ("The order number is {order}.", "I'm using {browser}.",
               "This is quite urgent for us, we have a deadline on Friday.",
               "I already tried logging out and back in.", "My account e-mail is the one I'm "
               "writing from.", "I paid {amount} by credit card.",
               "It's been {days} days and I haven't heard anything.",
               "I live in {city}, in case that matters."),
        "de": ("Die Bestellnummer ist {order}.", "Es ist leider dringend.",
               "Ich wohne in {city}."),
        "fr": ("Le numéro de commande est {order}.", "C'est assez urgent.",
               "J'habite à {city}."),
        "es": ("El número de pedido es {order}.", "Es bastante urgente."),
    }
    for name in SUBJECTS
}
