"""The demo's texts and times: complete per language, reproducible, weighted to office hours."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hubdesk.demo import content, phrases, replies
from hubdesk.demo.people import STAFF, make_person
from hubdesk.demo.timeline import agent_response, contact_moments
from hubdesk.domain.agents import Role


def test_every_language_of_a_subject_has_its_openings_and_details() -> None:
    for category, by_language in phrases.SUBJECTS.items():
        for language in by_language:
            assert phrases.OPENINGS[category][language], (category, language)
            assert phrases.DETAILS[category][language], (category, language)
            assert language in phrases.GREETINGS and language in phrases.SIGN_OFFS
    for by_language in replies.AGENT_REPLIES.values():
        assert "en" in by_language


def test_the_same_seed_writes_the_same_tickets() -> None:
    def write(seed: int) -> list[tuple[str, str]]:
        rng = random.Random(seed)
        found = []
        for serial in range(30):
            person = make_person(rng, serial)
            contact = content.compose_contact(rng, content.pick_category(rng), person.language,
                                              person.first_name)
            found.append((contact.subject, contact.body))
        return found

    assert write(5) == write(5)
    assert write(5) != write(6)
    assert len(set(write(5))) == 30


def test_texts_are_filled_in_completely() -> None:
    rng = random.Random(1)
    for _ in range(500):
        category = content.pick_category(rng)
        language = rng.choice(("en", "de", "fr", "es", "nl"))
        values = content.slots(rng)
        texts = [*content.compose_contact(rng, category, language, "Ana", values).__dict__
                 .values(),
                 content.compose_agent_reply(rng, category, language, "Ana", "Liam", values),
                 content.compose_note(rng, category, values),
                 content.compose_customer_followup(rng, language, "Ana", values)]
        for text in texts:
            assert "{" not in text and "}" not in text, text


def test_customers_get_unique_addresses_and_phone_numbers() -> None:
    rng = random.Random(3)
    persons = [make_person(rng, serial) for serial in range(5000)]
    assert len({p.email for p in persons}) == 5000
    phones = [p.phone for p in persons if p.phone]
    assert len(set(phones)) == len(phones)


def test_the_staff_covers_every_role_and_tier() -> None:
    assert {m.role for m in STAFF} == set(Role)
    assert {m.tier for m in STAFF if m.role is Role.REPRESENTATIVE} == {1, 2, 3}
    assert len(STAFF) == 20


def test_contacts_cluster_in_office_hours_and_agents_answer_when_staffed() -> None:
    rng = random.Random(9)
    end = datetime(2024, 6, 3, tzinfo=UTC)
    moments = contact_moments(rng, 4000, end - timedelta(weeks=6), end)
    assert moments == sorted(moments)
    daytime = sum(1 for m in moments if 8 <= m.hour < 18 and m.weekday() < 5)
    assert daytime / len(moments) > 0.6
    for moment in moments[:500]:
        answer = agent_response(rng, moment)
        assert answer > moment
        assert answer.weekday() < 5 and 7 <= answer.hour < 19
