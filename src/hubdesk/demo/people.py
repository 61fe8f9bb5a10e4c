"""Who is in the demo: the support organisation's staff and the customers who write to it."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

from hubdesk.domain.agents import Role
from hubdesk.domain.customers import Tier

# ".example" is reserved for examples (RFC 2606) and, unlike ".test", accepted by the API's
# e-mail rule, so the demo's addresses can be sent back through the API as they are shown.
DEMO_DOMAIN = "demo.hubdesk.example"
# A demo database kept (`hubdesk demo --keep`) from before may still hold these: its staff
# are moved to DEMO_DOMAIN, so the logins printed are the ones it has.
EARLIER_DEMO_DOMAINS = ("demo.hubdesk.test",)
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"

TEAMS = (
    ("Frontline EN", "First contact for English-speaking customers"),
    ("Frontline DE/FR", "First contact in German and French"),
    ("Escalations", "Tier 2 and 3: hard cases, outages and complaints"),
    ("VIP", "Named accounts and VIP customers"),
)
DEPARTMENTS = (
    ("Billing", "Invoices, payments, refunds above the frontline limit", f"billing@{DEMO_DOMAIN}"),
    ("Shipping", "Warehouse and carrier questions", f"shipping@{DEMO_DOMAIN}"),
    ("Tech Support", "Bugs, outages, integrations", f"tech@{DEMO_DOMAIN}"),
    ("Sales", "Quotes, upgrades, retention offers", f"sales@{DEMO_DOMAIN}"),
    ("Security", "Threats against staff, fraud, account takeovers", f"security@{DEMO_DOMAIN}"),
)


# One account per kind of user can sign in to the console with the demo password; the demo
# prints each with its role and something to try that shows what the role may do.
TRY_AS = {
    "admin": "everything: agents, teams, departments, webhooks; reveal masked card numbers",
    "priya": "every queue; last month's SLA report, customer satisfaction and the ticket "
             "flow (Reports); the desk's automations and what they did (Rules); add agents "
             "and teams; block an abusive sender",
    "jonas": "every queue; route and merge tickets; set an agent Online and resume them "
             "in the Control room, and routing hands them waiting tickets; the ticket tagged "
             "'security' shows the sender he blocked",
    "hannah": "Frontline EN's queue; assign its tickets within her team, merge duplicates",
    "liam": "Frontline EN's queue; take a ticket, reply, set it pending or solved",
    "ines": "only tickets handed to Billing; read them and answer in internal notes",
}
SIGN_IN = tuple(TRY_AS)

ROLE_NAMES = {Role.REPRESENTATIVE: "representative", Role.TEAM_LEAD: "team lead",
              Role.COORDINATOR: "coordinator", Role.MANAGER: "manager",
              Role.ADMIN: "administrator", Role.LIAISON: "department liaison"}


@dataclass(frozen=True)
class StaffMember:
    name: str
    email_local: str
    role: Role
    tier: int
    teams: tuple[str, ...]
    departments: tuple[str, ...]
    languages: tuple[str, ...]
    skills: tuple[str, ...]

    @property
    def email(self) -> str:
        return f"{self.email_local}@{DEMO_DOMAIN}"

    @property
    def signs_in(self) -> bool:
        return self.email_local in SIGN_IN

    @property
    def title(self) -> str:
        """The role as people say it, with the team or department it works for."""
        groups = ", ".join(self.teams or self.departments)
        return f"{ROLE_NAMES[self.role]}, {groups}" if groups else ROLE_NAMES[self.role]


def _m(name: str, local: str, role: Role, tier: int, teams: tuple[str, ...] = (),
       departments: tuple[str, ...] = (), languages: tuple[str, ...] = ("en",),
       skills: tuple[str, ...] = ()) -> StaffMember:
    return StaffMember(name, local, role, tier, teams, departments, languages, skills)


R, LEAD = Role.REPRESENTATIVE, Role.TEAM_LEAD
EN, DEFR, ESC, VIP = "Frontline EN", "Frontline DE/FR", "Escalations", "VIP"
STAFF: tuple[StaffMember, ...] = (
    _m("Morgan Reyes", "admin", Role.ADMIN, 3, languages=("en", "es")),
    _m("Priya Natarajan", "priya", Role.MANAGER, 3, languages=("en",)),
    _m("Jonas Weber", "jonas", Role.COORDINATOR, 3, languages=("en", "de")),
    _m("Hannah Brooks", "hannah", LEAD, 3, (EN,), skills=("billing", "refunds")),
    _m("Camille Laurent", "camille", LEAD, 3, (DEFR,), languages=("fr", "de", "en")),
    _m("Tomasz Nowak", "tomasz", LEAD, 3, (ESC,), languages=("en", "pl"),
       skills=("outages", "bugs")),
    _m("Aisha Bello", "aisha", LEAD, 3, (VIP,), skills=("sales", "cancellations")),
    _m("Liam O'Connor", "liam", R, 1, (EN,), skills=("shipping", "returns")),
    _m("Sofia Rossi", "sofia", R, 1, (EN,), languages=("en", "it"), skills=("billing",)),
    _m("Noah Fischer", "noah", R, 1, (EN,), skills=("login", "account")),
    _m("Emma Janssen", "emma", R, 1, (EN,), languages=("en", "nl"), skills=("shipping",)),
    _m("Lukas Becker", "lukas", R, 1, (DEFR,), languages=("de", "en"), skills=("shipping",)),
    _m("Chloé Martin", "chloe", R, 1, (DEFR,), languages=("fr", "en"), skills=("billing",)),
    _m("Felix Wagner", "felix", R, 2, (DEFR, ESC), languages=("de", "fr", "en"),
       skills=("login", "bugs")),
    _m("Grace Kim", "grace", R, 2, (ESC, EN), skills=("bugs", "login")),
    _m("Mateo García", "mateo", R, 3, (ESC,), languages=("es", "en"),
       skills=("outages", "bugs")),
    _m("Olivia Smith", "olivia", R, 2, (VIP,), skills=("billing", "sales")),
    _m("Daniel Park", "daniel", R, 2, (VIP, EN), skills=("shipping", "returns")),
    _m("Ines Moreau", "ines", Role.LIAISON, 2, departments=("Billing",),
       languages=("fr", "en")),
    _m("Ravi Shah", "ravi", Role.LIAISON, 3, departments=("Tech Support", "Shipping")),
)

FIRST_NAMES = {
    "en": ("Olivia", "James", "Amelia", "Oliver", "Isla", "Harry", "Ava", "Jack", "Mia",
           "George", "Emily", "Noah", "Ella", "Leo", "Grace", "Oscar", "Chloe", "Arthur",
           "Ruby", "Henry", "Sophie", "Thomas", "Lily", "Samuel", "Zara", "Ethan"),
    "de": ("Lena", "Paul", "Mia", "Leon", "Hannah", "Finn", "Emilia", "Jonas", "Marie",
           "Elias", "Lea", "Ben", "Anna", "Felix", "Laura", "Maximilian"),
    "fr": ("Léa", "Hugo", "Manon", "Louis", "Camille", "Gabriel", "Chloé", "Arthur",
           "Inès", "Jules", "Sarah", "Lucas", "Zoé", "Nathan"),
    "es": ("Lucía", "Hugo", "Martina", "Mateo", "Sofía", "Pablo", "Valeria", "Daniel",
           "Paula", "Álvaro"),
    "nl": ("Emma", "Daan", "Julia", "Sem", "Tess", "Lucas", "Sanne", "Bram"),
}
LAST_NAMES = {
    "en": ("Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
           "Patel", "Wright", "Walker", "Thompson", "Evans", "Roberts", "Clarke", "Hughes",
           "Murphy", "Kelly", "Nguyen", "Khan"),
    "de": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
           "Hoffmann", "Schulz", "Koch", "Richter", "Wolf", "Neumann"),
    "fr": ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
           "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel"),
    "es": ("García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Fernández", "Ruiz",
           "Díaz", "Moreno"),
    "nl": ("de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit",
           "Meijer"),
}
LANGUAGE_WEIGHTS = {"en": 0.55, "de": 0.17, "fr": 0.13, "es": 0.08, "nl": 0.07}
# Private customers use reserved example domains (RFC 2606), so a demo desk that is later
# connected to a mail server can never write to a real person.
FREE_MAIL = {"en": ("mail.example", "example.com", "inbox.example"),
             "de": ("post.example", "example.net"),
             "fr": ("courriel.example", "example.org"),
             "es": ("correo.example", "example.net"),
             "nl": ("mail.example", "example.org")}
PHONE_PREFIX = {"en": "+44 7", "de": "+49 15", "fr": "+33 6", "es": "+34 6", "nl": "+31 6"}

ORGANISATIONS = (
    ("Northwind Logistics", "northwind-logistics.example", Tier.VIP, "en"),
    ("Brightline Studio", "brightline.example", Tier.PREMIUM, "en"),
    ("Kappa Engineering GmbH", "kappa-engineering.example", Tier.PREMIUM, "de"),
    ("Maison Verdier", "maison-verdier.example", Tier.STANDARD, "fr"),
    ("Helios Energy", "helios-energy.example", Tier.VIP, "en"),
    ("Rheinblick Versicherung", "rheinblick.example", Tier.STANDARD, "de"),
    ("Atelier Solène", "atelier-solene.example", Tier.STANDARD, "fr"),
    ("Olivo Foods S.L.", "olivo-foods.example", Tier.PREMIUM, "es"),
    ("Tulp & Co", "tulp-co.example", Tier.STANDARD, "nl"),
    ("Greenfield Schools Trust", "greenfield-schools.example", Tier.STANDARD, "en"),
    ("Quantum Pixel Ltd", "quantum-pixel.example", Tier.PREMIUM, "en"),
    ("Bergwerk Outdoor", "bergwerk-outdoor.example", Tier.STANDARD, "de"),
)


@dataclass(frozen=True)
class Person:
    first_name: str
    name: str
    email: str
    language: str
    tier: Tier
    organisation: str | None
    phone: str | None


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def pick_language(rng: random.Random) -> str:
    return rng.choices(tuple(LANGUAGE_WEIGHTS), weights=tuple(LANGUAGE_WEIGHTS.values()))[0]


def make_person(rng: random.Random, serial: int, *, organisation_share: float = 0.3,
                vip_share: float = 0.03) -> Person:
    """A customer; ``serial`` keeps e-mail addresses unique across any number of them."""
    language = pick_language(rng)
    organisation = None
    tier = Tier.STANDARD
    if rng.random() < organisation_share:
        candidates = [o for o in ORGANISATIONS if o[3] == language] or list(ORGANISATIONS)
        org_name, org_domain, tier, language = rng.choice(candidates)
        organisation = org_name
    first = rng.choice(FIRST_NAMES[language])
    last = rng.choice(LAST_NAMES[language])
    if organisation is None and rng.random() < vip_share:
        tier = Tier.VIP
    elif organisation is None and rng.random() < 0.08:
        tier = Tier.PREMIUM
    local = rng.choice((f"{_ascii(first)}.{_ascii(last)}", f"{_ascii(first)[0]}{_ascii(last)}",
                        f"{_ascii(first)}{_ascii(last)[:3]}"))
    domain = org_domain if organisation else rng.choice(FREE_MAIL[language])
    phone = None
    if rng.random() < 0.35:
        # A bijection of the serial, so numbers look random yet never collide.
        phone = f"{PHONE_PREFIX[language]}{serial * 7_919_791 % 90_000_000 + 10_000_000}"
    return Person(first, f"{first} {last}", f"{local}{serial}@{domain}", language, tier,
                  organisation, phone)
