"""Person names: a given-name list from the US Census, capitalisation, and cue phrases.

The given names (about 5,200) and the most common surnames come from the 1990 US Census
frequency files shipped in the `names` package (MIT; the Census data is public domain). They
are read once, on the first message, and kept as two sets of lower-case strings. Without the
package only the cue phrases work.

A name is reported when
- a known given name starts a run of capitalised words ("Jennifer Lopez", "Mary Ann O'Neil");
  a given name that is also an English word, a place or a product ("Will", "May", "Georgia",
  "Alexa") counts only when a known surname follows it;
- a known given name stands alone mid-text ("ask Jennifer"), with less confidence;
- capitalised words follow a cue: "my name is", "Name:", "Dear", "Mr/Mrs/Ms/Dr", a sign-off
  ("Regards,", "Thanks,"), "spoke with". After a weak cue ("I am", "this is", "Hi") the first
  word must be a known given name, or two capitalised words must follow.
Words that are never part of a name (greetings, weekdays, company and team words) end a run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

from hubdesk.domain.triage import PiiSpan
from hubdesk.triage.cues import CuedPattern

# Surnames past this rank are rare and often ordinary words; the top 20,000 cover ~74 % of people.
SURNAME_LIMIT = 20_000

_UPPER = "A-ZÀ-ÖØ-ÞĀ-ſ"
_LOWER = "a-zß-öø-ÿĀ-ſ"
_TOKEN = (
    rf"(?:O['’]|D['’])?[{_UPPER}][{_LOWER}]+(?:[{_UPPER}][{_LOWER}]+)?"
    rf"(?:-[{_UPPER}][{_LOWER}]+)?"
)
_PARTICLE = r"(?:van|von|de|da|di|del|della|der|den|du|la|le|dos|das|bin|ibn|al|el|y)"
# A run of capitalised words on one line, allowing a middle initial and name particles.
_RUN = re.compile(
    rf"(?<![\w@.])(?:{_TOKEN})(?: (?:[{_UPPER}]\. )?(?:{_PARTICLE} ){{0,2}}{_TOKEN}){{0,4}}"
    rf"(?![\w@])"
)
_TOKEN_RE = re.compile(_TOKEN)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Given names that are also common words, places, brands or month names: never alone.
_AMBIGUOUS = _words(
    """
    spring will bill mark rich rob pat sue joy hope faith grace charity mercy chance grant may june
    april august autumn summer winter dawn eve easter christmas destiny precious princess queen
    king prince major royal noble earnest sterling sunny sunshine misty dusty rusty sandy windy
    candy brandy sherry ginger pearl ruby crystal amber jade jewel diamond ivory coral opal
    garnet hazel iris ivy violet lily daisy rose holly heather fern olive magnolia jasmine flora
    cherry berry star starr venus raven sierra india asia america kenya florida georgia virginia
    carolina dallas austin houston denver cleveland lincoln jackson madison phoenix paris sydney
    orlando florence savannah victoria regina chelsea helena jordan israel troy camden cruz santa
    santos trinidad valencia milan long young man son sun van see else many love marvel merry
    glory liberty harmony melody cherish desire sparkle justice unique numbers manual brain
    german christian angel jesus trinity general bud buck hunter parker porter walker carter
    chase lane dean dale glen guy art drew gene ray jean jan dee del don les sol val ike wm robt
    chas ada julia mercedes tesla dell harley alexa siri mac ford morgan wells avis ally
    prudence patience page gay blanch bonny fanny pansy bambi dolly kitty missy birdie penny
    pennie honey nova era alpha meta vita viva una ora ola lacy lacey robin rocky gale bell
    belle bob bobby jack nick rod wade cliff clay heath forest forrest brook brooks miles buster
    buddy homer reed ward lance
    """
)

# Words that end a name: greetings, sign-offs, calendar words, company, team and place words.
_STOP = _words(
    """
    i the a an and or but if my your our we you he she they it this that these those there here
    hi hello hey dear thanks thank please regards best sincerely cheers yours kind warm greetings
    yes no ok okay sorry also so then when what why how where who which can could would should is
    are was were do does did have has had not just still already again today tomorrow yesterday
    now soon order invoice ticket refund payment delivery package parcel subject re fwd attn
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december morning evening afternoon night day
    week month year bank inc ltd llc plc gmbh corp corporation company co group airlines airways
    air insurance financial finance services service support team teams staff department store
    shop market hotel hospital university college school church street avenue road lane drive
    court boulevard way place center centre card account pay plus pro premium mobile energy
    motors express health labs systems software technologies tech online media foundation fund
    trust capital holdings partners airport station county city state valley beach lake river
    mountain island customer customers client clients manager management sir madam madame all
    everyone everybody there colleagues friends valued member members user users admin
    administrator desk help helpdesk billing sales office head north south east west new old
    app apps phone email mail website web internet wifi tv prime music video plan care club
    benz airline cars car auto power electric gas water light telecom wireless cable fitness
    pharmacy dental medical clinic law legal realty homes home house garden kitchen foods food
    coffee pizza grill cafe bar restaurant
    """
)

# A capitalised run followed by one of these names a street, place or company, not a person
# ("Jackson Street", "Marion County", "Johnson Controls Inc").
_PLACE_OR_COMPANY = _words(
    """
    street st avenue ave road rd lane ln drive boulevard blvd court ct way place pl terrace square
    park parkway circle highway hill hills heights county city town village valley beach lake river
    mountain island bridge station airport university college school institute academy hospital
    clinic church cathedral center centre hall museum library stadium arena bank inc ltd llc plc
    gmbh corp corporation company co group foundation trust partners holdings associates
    industries enterprises motors airlines airways insurance financial capital ventures labs
    systems technologies solutions consulting services realty hotel resort mall plaza market
    store stores brothers bros sons controls power electric energy foods
    """
)

_STRONG_CUE = CuedPattern(
    r"\b(?:[Mm]y (?:full )?name is|[Mm]y name's|(?:[Ff]ull )?[Nn]ame:|[Nn]amed|[Dd]ear|"
    r"(?:[Aa]ccount|[Cc]ard) ?holder(?: name)?:?|[Cc]ustomer:|[Cc]ontact:|[Aa]ttn:?|"
    r"[Aa]ttention:|[Ss]poke (?:to|with)|[Tt]alked (?:to|with)|[Aa]ssisted by|"
    r"[Oo]n behalf of|[Ss]igned,?|(?:[Kk]ind |[Bb]est |[Ww]arm )?[Rr]egards,|[Tt]hanks,|"
    r"[Tt]hank you,|[Bb]est,|[Cc]heers,|[Ss]incerely,|[Yy]ours(?: truly| sincerely)?,|"
    r"[Rr]espectfully,|Mr\.?|Mrs\.?|Ms\.?|Mx\.?|Miss|Dr\.?|Prof\.?|Herr|Frau|Mme\.?|Sr\.|Sra\.)"
    r"[ \t]*\n?[ \t]*(?:(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof)\.?[ \t]+)?"
    r"(?!(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof)\b)"
    rf"({_TOKEN}(?: (?:[{_UPPER}]\. )?(?:{_PARTICLE} ){{0,2}}{_TOKEN}){{0,3}})"
)
_WEAK_CUE = re.compile(
    r"\b(?:I am|I'm|I’m|[Tt]his is|[Hh]i|[Hh]ello|[Hh]ey|[Cc]alled|[Aa]sk for)[ ,]+"
    rf"({_TOKEN}(?: (?:[{_UPPER}]\. )?(?:{_PARTICLE} ){{0,2}}{_TOKEN}){{0,3}})"
)


@cache
def _gazetteer() -> tuple[frozenset[str], frozenset[str]]:
    """(given names, surnames), lower case; empty when the `names` package is missing."""
    try:
        root = resources.files("names")
        given: set[str] = set()
        for filename in ("dist.male.first", "dist.female.first"):
            with root.joinpath(filename).open(encoding="ascii") as lines:
                given.update(line.split(maxsplit=1)[0].lower() for line in lines if line.strip())
        surnames: set[str] = set()
        with root.joinpath("dist.all.last").open(encoding="ascii") as lines:
            for rank, line in enumerate(lines):
                if rank >= SURNAME_LIMIT:
                    break
                if line.strip():
                    surnames.add(line.split(maxsplit=1)[0].lower())
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        return frozenset(), frozenset()
    return frozenset(given), frozenset(surnames)


def load_name_lists() -> None:
    """Read the name lists now rather than on the first message."""
    _gazetteer()


def _key(token: str) -> str:
    return token.lower().replace("'", "").replace("’", "").replace("-", "")


def people(text: str) -> Iterator[PiiSpan]:
    given, surnames = _gazetteer()
    yield from _from_cues(text, given)
    if given:
        yield from _from_given_names(text, given, surnames)


def _from_given_names(
    text: str, given: frozenset[str], surnames: frozenset[str]
) -> Iterator[PiiSpan]:
    for run in _RUN.finditer(text):
        tokens = [
            (m.start() + run.start(), m.end() + run.start(), m.group().lower())
            for m in _TOKEN_RE.finditer(run.group())
        ]
        index = 0
        while index < len(tokens):
            word = tokens[index][2]
            if word in _STOP or word not in given:
                index += 1
                continue
            last = index
            while (
                last + 1 < len(tokens)
                and last - index < 3
                and tokens[last + 1][2] not in _STOP
                and tokens[last + 1][2] not in _PLACE_OR_COMPANY
            ):
                last += 1
            if last + 1 < len(tokens) and tokens[last + 1][2] in _PLACE_OR_COMPANY:
                index = last + 2
                continue
            following = tokens[index + 1][2] if last > index else ""
            known_surname = _key(following) in surnames
            if (word in _AMBIGUOUS or len(word) <= 2) and not known_surname:
                index += 1
                continue
            confidence = (0.8 if known_surname else 0.65) if last > index else 0.45
            yield PiiSpan("PERSON", tokens[index][0], tokens[last][1], confidence, "names")
            index = last + 1


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The cue's capture without leading or trailing stop words, or None when nothing is left."""
    tokens = [(start + m.start(), start + m.end()) for m in _TOKEN_RE.finditer(text[start:end])]
    if not tokens or text[tokens[0][0] : tokens[0][1]].lower() in _STOP:
        return None
    for index, (token_start, token_end) in enumerate(tokens):
        word = text[token_start:token_end].lower()
        if word in _PLACE_OR_COMPANY:
            return None
        if word in _STOP:
            tokens = tokens[:index]
            break
    if not tokens:
        return None
    return tokens[0][0], tokens[-1][1]


def _from_cues(text: str, given: frozenset[str]) -> Iterator[PiiSpan]:
    for match in _STRONG_CUE.finditer(text):
        span = _trimmed(text, match.start(1), match.end(1))
        if span:
            yield PiiSpan("PERSON", span[0], span[1], 0.7, "cue")
    for match in _WEAK_CUE.finditer(text):
        span = _trimmed(text, match.start(1), match.end(1))
        if not span:
            continue
        words = [_key(m.group()) for m in _TOKEN_RE.finditer(text[span[0] : span[1]])]
        first_known = words[0] in given and words[0] not in _AMBIGUOUS
        if first_known or len(words) >= 2:
            yield PiiSpan("PERSON", span[0], span[1], 0.6, "cue")
