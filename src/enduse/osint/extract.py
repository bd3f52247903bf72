"""Alleged transfers in an English report: who supplied what to whom, via where, according to
whom, how far it went, and the sentences that say so.

Pure: text in, transfers out. Sentence by sentence, the states named are cast in roles
(`roles.py`); a sentence that moves goods from a supplier to a recipient is evidence of that
pair; the pairs of a report are merged, and their claimants, deniers and status read from
the evidence and its paragraph (`attribution.py`).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from enduse.osint import attribution as at
from enduse.osint.anaphora import described_states
from enduse.osint.dates import report_date, transfer_date
from enduse.osint.gazetteer import country_mentions
from enduse.osint.items import Item, items
from enduse.osint.lexicon import SUPPLY_VERBS, SUPPLYING_VERBS, alternation, verb_forms
from enduse.osint.organisations import org_countries, organisations
from enduse.osint.quantities import Quantity, quantity
from enduse.osint.roles import Cast, cast, triggered
from enduse.osint.sentences import Sentence, split_sentences

STATISTIC = re.compile(
    r"\d\s?(?:percent|per cent|%)|\bshare of\b|\blargest (?:arms )?(?:importers?|exporters?|"
    r"buyers|customers)|\btotal (?:arms |defen[cs]e )?exports\b|\bexports (?:rose|fell|reached|"
    r"doubled|more than doubled)|\btraditional(?:ly)? (?:customers|suppliers|buyers)\b|"
    r"\b(?:spending|budgets?|revenues?|turnover|output|GDP)\b[^.]{0,30}\b(?:reached|rose|fell|grew|"
    r"totall?ed|amounted)\b",
    re.I,
)
# Background with no particular transfer ("have also bought Korean equipment in recent years"),
# unless a count makes it one ("Over the past two years, Poland bought 180 K2 tanks").
BACKGROUND = re.compile(
    r"\bin recent years\b|\bover the (?:past|last) (?:\w+ )?(?:years|decades?)\b", re.I
)
COUNT = re.compile(r"\b\d[\d,.]*\s+(?!(?:years?|months?|days?|decades?)\b)\w")
# A sentence with a statistic may still report one transfer ("shipped ... to Poland in 2023
# and that its export revenue had risen 62 percent").
CONCRETE = re.compile(
    r"\b(?:shipped|delivered|sold|supplied|sent|handed over|transferred|received|took delivery)\b"
)
MAX_CHARS = 400_000  # a report, not a book: longer input is refused, not read


@dataclass
class Transfer:
    supplier_country: str
    recipient_country: str
    intermediary_countries: list[str] = field(default_factory=list)
    supplier_orgs: list[str] = field(default_factory=list)
    recipient_orgs: list[str] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    quantity: Quantity | None = None
    date: str | None = None
    claimants: list[str] = field(default_factory=list)
    status: str = "alleged"
    denied_by: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)  # the cues that cast each state
    context: list[str] = field(default_factory=list)  # the rest of the evidence's paragraphs

    def as_dict(self) -> dict[str, Any]:
        return {
            "supplier_country": self.supplier_country,
            "supplier_orgs": self.supplier_orgs,
            "recipient_country": self.recipient_country,
            "recipient_orgs": self.recipient_orgs,
            "intermediary_countries": sorted(self.intermediary_countries),
            "items": [
                {"text": i.text, "calibre": i.calibre, "category": i.category} for i in self.items
            ],
            "quantity": None
            if self.quantity is None
            else {
                "text": self.quantity.text,
                "value": self.quantity.value,
                "unit": self.quantity.unit,
            },
            "date": self.date,
            "claimants": self.claimants,
            "status": self.status,
            "denied_by": self.denied_by,
            "evidence": self.evidence,
        }


@dataclass
class _Pair:
    supplier: str
    recipient: str
    sentences: list[Sentence] = field(default_factory=list)
    via: list[str] = field(default_factory=list)
    why: list[str] = field(default_factory=list)
    # read from a sentence that pairs one supplier or one recipient, not only from "Kenya and
    # Nigeria field vehicles from Emirati and South African makers", which says who with whom
    # no more than "respectively" would
    sure: bool = False


def extract(text: str) -> list[Transfer]:
    return extract_report(text)[0]


def extract_report(text: str) -> tuple[list[Transfer], str | None]:
    """The report's transfers and its dateline's date (an observation records both)."""
    if len(text) > MAX_CHARS:
        raise ValueError(f"report longer than {MAX_CHARS} characters")
    sentences = split_sentences(text)
    published = report_date(sentences)
    pairs: dict[tuple[str, str], _Pair] = {}
    companies = org_countries(text)
    voice = document_voice(sentences, companies)
    own_words = in_own_words(sentences)
    mentions_of = {s.index: country_mentions(s.text) for s in sentences}
    casts_of = {s.index: cast(s.text, mentions_of[s.index]) for s in sentences}
    described = described_states(
        sentences,
        {i: {c.mention.start: c.role for c in cs} for i, cs in casts_of.items()},
        mentions_of,
    )
    for s in sentences:  # "the kingdom", "the junta": cast again with the states they stand for
        if len(described[s.index]) != len(casts_of[s.index]):
            casts_of[s.index] = cast(s.text, described[s.index])
    last: list[_Pair] = []
    pending: tuple[int, str] | None = None  # a supplier whose recipient the next sentence names
    for s in sentences:
        casts = casts_of[s.index]
        statistic = (STATISTIC.search(s.text) is not None and not CONCRETE.search(s.text)) or (
            BACKGROUND.search(s.text) is not None and not COUNT.search(s.text)
        )
        if not statistic and (triggered(s.text) or TRANSIT.search(s.text) or SEIZED.search(s.text)) \
                and (casts or companies):  # fmt: skip
            before_it = (  # only for goods the sentence refers back to: "The cargo was ..."
                pending[1]
                if pending and pending[0] == s.index - 1 and GOODS_BACK.search(s.text)
                else None
            )
            touched = _read_pairs(s, casts, pairs, companies, voice, own_words, before_it)
            suppliers = _codes(casts, "supplier")
            if suppliers and not _codes(casts, "recipient") and not touched:
                pending = (s.index, suppliers[0])
            if touched:
                last = touched
            elif last and s.index - last[0].sentences[-1].index <= 3:
                via = _codes(casts, "intermediary")  # "the cargo left the Croatian port of Ploce"
                for pair in last:
                    pair.via += [
                        v for v in via if v not in (pair.supplier, pair.recipient, *pair.via)
                    ]
    legs = _legs(pairs)
    owners: dict[int, set[tuple[str, str]]] = {}
    for key, pair in pairs.items():
        for sentence in pair.sentences:
            owners.setdefault(sentence.index, set()).add(key)
    reading = _Reading(sentences, published, companies, casts_of, owners, *_voices(sentences))
    out = []
    for key, pair in pairs.items():
        if key in legs or not pair.sure:
            continue
        transfer = _transfer(pair, reading)
        folded = [pairs[k] for k, whole in legs.items() if whole == key]
        for leg in folded:  # the first leg of this chain, to a trader or declared end user
            leg_status = _transfer(leg, reading).status
            if leg_status in ("confirmed", "partly_confirmed") and transfer.status == "alleged":
                transfer.status = "partly_confirmed"
            transfer.evidence += [s.text for s in leg.sentences if s.text not in transfer.evidence]
        out.append(transfer)
    return out, published


def _legs(pairs: dict[tuple[str, str], _Pair]) -> dict[tuple[str, str], tuple[str, str]]:
    """Pairs that are one leg of a longer chain: the supplier's sale to a state that is an
    intermediary of the same supplier's transfer to another recipient."""
    out = {}
    for (supplier, recipient), _pair in pairs.items():
        for (s2, r2), other in pairs.items():
            if s2 == supplier and r2 != recipient and recipient in other.via:
                out[(supplier, recipient)] = (s2, r2)
    return out


def _read_pairs(s: Sentence, casts: list[Cast],
                pairs: dict[tuple[str, str], _Pair], companies: dict[str, str],
                voice: str | None, own_words: bool = False,
                pending_supplier: str | None = None) -> list[_Pair]:  # fmt: skip
    clauses = _clauses_of(s.text, casts)
    if len(clauses) > 1:  # "X sent ... to Y, while Z shipped ... to W": two transfers
        touched: list[_Pair] = []
        for text, part in clauses:
            if not DENIED_OUTRIGHT.search(text):  # "The US has not sent any F-16s to Ukraine,
                # but the Netherlands delivered 24 jets": the second clause only
                touched += _read_pairs(s, part, pairs, companies, voice, own_words,
                                       pending_supplier)  # fmt: skip
        return touched
    if (
        NO_DEAL.search(s.text)
        or QUESTION.search(s.text)
        or (DENIED_OUTRIGHT.search(s.text) and not CONTRAST.search(s.text))
    ):
        # "marketed the type to Malaysia and Thailand, but neither has placed an order", a
        # question, a flat denial with nothing else said
        return []
    if PEOPLE_SENT.search(s.text) and not triggered(PEOPLE_SENT.sub(" ", s.text)):
        return []  # "sent its special envoy to Kyiv and Moscow"
    suppliers = _codes(casts, "supplier")
    if not suppliers and LICENSING.search(s.text):
        suppliers = _codes(casts, "speaker")[:1]  # the state that licenses the export sells
    if not suppliers and SPEAKER_SUPPLIED.search(s.text):
        # "Norway's government said it had handed over", "The Royal Thai Army dismissed claims
        # that it had sold ...": the state speaking, or whose forces act, is the "it"
        suppliers = (
            _codes(casts, "speaker")
            or [c.mention.code for c in casts if c.cue.startswith("forces that act")]
        )[:1]  # "Norway's government said it had handed over"
    if not suppliers:
        suppliers = _company_suppliers(s.text, companies)
    if len(suppliers) > 1 and not _joined(s.text, casts, "supplier"):
        suppliers = suppliers[
            :1
        ]  # the first named; a later one is background ("to replace its Israeli-made jets")
    recipients = _codes(casts, "recipient")
    via = _codes(casts, "intermediary")
    if len(recipients) > 1 and ONWARD.search(s.text) and not _joined(s.text, casts, "recipient"):
        # "to Romania ... for onward delivery to Ukraine": the state named last is where the
        # goods end ("shipped to Poland and driven across the border by Ukrainian crews")
        last = [c.mention.code for c in casts if c.role == "recipient"][-1]
        via += [r for r in recipients if r != last]
        recipients = [last]
    if suppliers and not recipients and RECEIVING.search(s.text):
        recipients = [c for c in _codes(casts, "speaker") if c not in suppliers][
            :1
        ]  # the buyer speaks
    if suppliers and not recipients and voice and voice not in suppliers \
            and OWN_FORCES_RECEIVED.search(s.text):  # fmt: skip
        recipients = [voice]  # "... had been handed over to the air force", said its ministry
    if (
        suppliers
        and not recipients
        and voice
        and voice not in suppliers
        and BOUGHT_FROM.search(s.text)
        and _voice_speaks(s.text, casts, voice, own_words)
    ):
        recipients = [voice]  # "batteries ordered from Norway's ...": the voice bought them
    if suppliers and not recipients:
        # A state named sentences before is not carried over: measured on the development
        # sets, carrying it (two sentences back) found one more pair and three more wrong ones.
        recipients = []
        if voice and voice not in suppliers and RECEIVING.search(s.text) \
                and _voice_speaks(s.text, casts, voice, own_words):  # fmt: skip
            recipients = [voice]  # the ministry speaking: "batteries ordered from Norway's ..."
    elif recipients and not suppliers:
        # "The rockets were loaded ... before reaching the Ukrainian border": the supplier of
        # the transfer to that recipient just read, else the last one named
        known = [k[0] for k in reversed(list(pairs)) if k[1] in recipients and
                 pairs[k].sentences and s.index - pairs[k].sentences[-1].index <= 2]  # fmt: skip
        suppliers = known[:1]
        if not suppliers and pending_supplier and pending_supplier not in recipients:
            suppliers = [
                pending_supplier
            ]  # "ammunition purchased from a Minsk-based exporter was held at
            # Colon ..." then "The cargo ... has never reached Venezuela"
        if not suppliers:  # "Halla said the Croatian Army had taken delivery of ...": the maker
            suppliers = [c for c in _speaking_companies(s.text, companies) if c not in recipients][
                :1
            ]
        if not suppliers and voice and voice not in recipients and SUPPLYING.search(s.text) \
                and _voice_speaks(s.text, casts, voice, own_words):  # fmt: skip
            suppliers = [voice]  # "I can confirm that a consignment ... was handed over to Ukraine"
    touched = []
    crossed = len(suppliers) > 1 and len(recipients) > 1
    for supplier in suppliers:
        for recipient in recipients:
            if supplier == recipient:
                continue
            pair = pairs.setdefault((supplier, recipient), _Pair(supplier, recipient))
            pair.sure = pair.sure or not crossed
            touched.append(pair)
            pair.sentences.append(s)
            pair.via += [v for v in via if v not in (supplier, recipient) and v not in pair.via]
            pair.why += [f"{c.mention.text}: {c.role} ({c.cue})" for c in casts if c.role != "none"]
    return touched


# A question asserts nothing: "One member asked whether any South African-made ammunition had
# reached Israel".
QUESTION = re.compile(
    r"\b(?:asked|asks|ask|wondered|questioned|inquired) (?:whether|if)\b|\?\s*$|"
    r"\b(?:did|does|do|would|could) not (?:show|say|reveal|disclose|specify|indicate|name|"
    r"explain) (?:which|whether|who)\b"
)
# "Serbia has not exported, and will not export, a single bullet to Ukraine": a denial in the
# supplier's words names no transfer (the claim it answers does, elsewhere)
DENIED_OUTRIGHT = re.compile(
    r"\b(?:has|have|had)\s+(?:sent|supplied|delivered|sold|exported|provided|shipped)\s+no\s+"
    r"(?:weapons|arms|ammunition|military)\b|"
    r"\b(?:has|have|had|did|does|do|will|would)\s+not\s+(?:\w+\s+){0,1}?(?:export(?:ed)?|sold|"
    r"sell|suppl(?:y|ied)|sen[dt]|deliver(?:ed)?|transferr?(?:ed)?|ship(?:ped)?)\b"
    r"(?=[^.]{0,80}\b(?:a single|any)\b)"
)
# "sent its special envoy to Kyiv, Moscow and European capitals": diplomacy, not goods
PEOPLE_SENT = re.compile(
    r"\b(?:sent|send|sends|sending|dispatched|dispatch)\s+(?:its\s+|their\s+|an?\s+|the\s+)?"
    r"(?:special\s+|senior\s+|high-level\s+)?(?:envoys?|delegations?|diplomats?|ministers?|"
    r"observers?|representatives?|condolences|messages?|letters?|troops|soldiers|forces|"
    r"personnel|peacekeepers|advisers|advisors|instructors|mercenaries)\b"
)
CONTRAST = re.compile(r",? (?:but|while|whereas) |; ")
GOODS_BACK = re.compile(
    r"\b(?:[Tt]he|[Tt]hat|[Tt]his|[Tt]hose|[Tt]hese|[Ii]ts|[Tt]heir)\s+(?:[\w-]+\s+)?(?:cargo|shipments?|"
    r"consignments?|weapons|goods|ammunition|rounds|shells|rifles|aircraft|jets|drones|vehicles|"
    r"missiles|rockets|batch|batches|deliver(?:y|ies)|equipment|boxes|crates|containers?|"
    r"systems?|guns|howitzers|bombs|grenades|munitions|arms)\b|^(?:It|They)\b|\b(?:of )?them\b"
)
# Goods stopped on their way: read for a supplier the next sentence may send somewhere
# ("seized Iranian-made components" then "the cargo was destined for Ansar Allah")
SEIZED = re.compile(r"\b(?:seized|intercepted|impounded|confiscated)\b")
# Words of a route: a sentence naming only a transit state adds it to the transfer just read
# ("the cargo left the Croatian port of Ploce").
TRANSIT = re.compile(r"\b(?:left|sailed|departed|unloaded|transited|stopover|routed|via|through)\b")
NO_DEAL = re.compile(
    r"\b(?:expected to compete|competing for|compete for|bidders|shortlisted|in the running)\b|"
    r"\bpolicy of not \w+ing\b|\bneither (?:country|government|state|of them)\b|\bnor\b.{0,40}\b(?:ordered|bought|signed)|"
    r"\bno (?:country|buyer|order|contract) has\b|\bha(?:s|ve)(?:n't| not) (?:yet )?(?:placed|signed|"
    r"ordered|bought)\b"
)
SPEAKER_SUPPLIED = re.compile(
    r"\b(?:said|claims?|claimed|reports?|allegations?)(?:\s+[\w-]+){0,4}?\s+(?:that )?it (?:had|has) "
    r"(?:\w+ )?(?:delivered|handed over|supplied|shipped|sent|donated|exported|transferred|sold)\b"
)
LICENSING = re.compile(
    r"\b(?:refused|granted|issued|approved|revoked|denied|blocked|suspended|cancell?ed)\b[^.]{0,40}"
    r"\bexport (?:licen[cs]es?|permits?|authori[sz]ations?)\b"
)
OWN_FORCES_RECEIVED = re.compile(
    r"\b(?:handed over|delivered|transferred|supplied) to (?:the|its|our) (?:air force|army|navy|"
    r"armed forces|military|forces|troops|coast guard|marines)\b"
)
BOUGHT_FROM = re.compile(r"\b(?:ordered|bought|purchased|acquired)(?: \w+){0,3} from\b")
ONWARD = re.compile(
    r"\b(?:onward|then|on to|ended up|end up|turn(?:s|ed)? up|re-export\w*|passed on|from where|"
    r"later|before reaching|before crossing|before being|"
    r"diverted|final destination|declared|end-user certificate|instead|originally|recovered|"
    r"documented|retransferred|re-transferred|across the border|overland)\b",
    re.IGNORECASE,
)
FIRST_PERSON = re.compile(r"\b(?:I|[Ww]e|[Oo]ur)\b")
SUPPLYING = re.compile(
    r"\b(?:handed over|delivered|shipped|exported|sold|supplied|sent|transferred|authorised|smuggl\w+|"
    r"dispatched|donated|airlifted|furnished|channell?ed|"
    r"approved|licensed)\b"
)


def document_voice(sentences: list[Sentence], companies: dict[str, str]) -> str | None:
    """Who speaks for the whole report: a press release's issuer, the company or ministry the
    lead is about ("South Korea's Geumgang said...", "the Slovak Ministry of Defence")."""
    lead = sentences[:3]
    for s in lead:  # who the lead says is speaking: "..., the Latvian Ministry of Defence said"
        for name in at.sayers(s.text):
            codes = _states_of(_as_named(name, companies), companies)
            if codes:
                return codes[0]
    for s in lead:
        for org, code in companies.items():
            if org in s.text:
                return code
    for s in lead:
        for c in cast(s.text):
            if c.role == "speaker" and (
                OFFICIAL_AFTER.match(s.text[c.mention.end :])
                or c.cue == "its ministry or government"
            ):
                return c.mention.code
    return None


OFFICIAL_AFTER = re.compile(
    r"^(?:'s|’s)?\s+(?:[\w-]+\s+){0,3}?(?:ministry|Ministry|government|Government|forces|Forces|"
    r"customs|Customs|council|Council|office|Office|embassy|Embassy|army|Army|authorit\w+|"
    r"Authority|Agency|agency|spokes\w+)\b"
)


RECEIVING = re.compile(
    r"\b(?:contracts?|deal|agreement|letter of intent|ordered|bought|purchased|received|took delivery|taken delivery)\b"
)
# What may stand between a company and its verb: "Co., Ltd.", an apposition, "announced
# today that it", "has also".
LEAD_IN = re.compile(
    r"^\s*(?:Co\.,?\s*Ltd\.?\s*)?(?:\([^)]*\)\s*|,[^,]{0,80},\s*)?"
    r"(?:(?:has|have|had|also|then|it|that|today|to|(?:announced|said|says|confirmed)(?: on \w+day)?)"
    r"\s+|,\s*)*"
)
COMPANY_SUPPLY = re.compile(
    rf"\b(?:(?:(?:is|are|was|were) (?:also )?(?:due|set|scheduled|expected|about) to|will|would|"
    rf"(?:has|have) agreed to) (?:{alternation(verb_forms(SUPPLY_VERBS))}|build)|"
    rf"{alternation(SUPPLYING_VERBS)}|completed[^.]{{0,30}}delivery|signed|built|made|produced)\b"
)


def _company_suppliers(sentence: str, companies: dict[str, str]) -> list[str]:
    """A company of known state that ships, sells or makes the goods in this sentence ("the
    company" is the first one the report names)."""
    for org, code in companies.items():
        i = sentence.find(org)
        if i < 0:
            continue
        before = sentence[max(0, i - 25) : i]
        after = sentence[i + len(org) : i + len(org) + 120]
        if re.search(
            r"\b(?:from|by|with)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", before
        ) or COMPANY_SUPPLY.match(LEAD_IN.sub("", after)):
            return [code]  # the company is the subject of shipping, selling or making
    if companies and re.search(r"\b[Tt]he (?:company|manufacturer|firm|maker)\b", sentence) \
            and COMPANY_SUPPLY.search(sentence):  # fmt: skip
        return [next(iter(companies.values()))]
    return []


OWN_WORDS = re.compile(
    r"\b(?:press release|statement by|statement of|briefing|annual report|written answer|"
    r"communiqu[eé]|transcript|interview|Q&A|question on notice)\b",
    re.IGNORECASE,
)


def in_own_words(sentences: list[Sentence]) -> bool:
    """The whole report is its voice speaking (a press release, a ministry's statement, an
    annual report, an interview), so every sentence is the voice's."""
    head = " ".join(s.text for s in sentences[:2])
    first_person = sum(1 for s in sentences if FIRST_PERSON.search(s.text))
    return bool(OWN_WORDS.search(head)) or first_person >= 3


def _voice_speaks(sentence: str, casts: list[Cast], voice: str, own_words: bool) -> bool:
    """The report's voice may fill in a missing party only where someone speaks: "we handed
    over", "the ministry said", the voice's own officials, or anywhere in a report that is all
    its own words; not in a reporter's aside ("guns sent to Ukraine", "ammunition bought by
    the Bundeswehr years ago")."""
    return (
        own_words
        or bool(at.sayers(sentence) or FIRST_PERSON.search(sentence))
        or voice in _codes(casts, "speaker")
    )


THE_COMPANY = re.compile(r"(?:the )?(?:company|manufacturer|firm|maker)", re.I)


def _as_named(name: str, companies: dict[str, str]) -> str:
    """A source called "the company" is the company the report names first."""
    return next(iter(companies)) if companies and THE_COMPANY.fullmatch(name) else name


def _states_of(name: str, companies: dict[str, str]) -> list[str]:
    """The states a source's name stands for: those it names, then its companies' states."""
    return [m.code for m in country_mentions(name)] + [
        code for org, code in companies.items() if org in name or name in org
    ]


def _speaking_companies(sentence: str, companies: dict[str, str]) -> list[str]:
    """The states of the companies that speak in this sentence ("the company said": the one
    the report names first)."""
    out = []
    for name in at.sayers(sentence):
        name = _as_named(name, companies)
        out += [code for org, code in companies.items()
                if (org in name or name in org) and code not in out]  # fmt: skip
    return out


TWO_TRANSFERS = re.compile(r",? while |; |, but ")


def _clauses_of(sentence: str, casts: list[Cast]) -> list[tuple[str, list[Cast]]]:
    """The text and casts of each clause, when a sentence joins two transfers."""
    breaks = [m.start() for m in TWO_TRANSFERS.finditer(sentence)]
    if not breaks:
        return [(sentence, casts)]
    bounds = [0, *breaks, len(sentence)]
    parts = [(sentence[a:b], [c for c in casts if a <= c.mention.start < b])
             for a, b in itertools.pairwise(bounds)]  # fmt: skip
    complete = [p for p in parts if {"supplier", "recipient"} <= {c.role for c in p[1]}]
    if len(complete) > 1:
        return complete
    semicolons, buts = sentence.count("; "), sentence.count(", but ")
    roles = [{c.role for c in p} for _, p in parts]
    one_transfer = (  # "Russia shipped S-400 batteries; Turkey received them in July 2019"
        semicolons == 1 and len(parts) == 2 and "supplier" in roles[0] and "recipient" in roles[1]
        and "recipient" not in roles[0] and "supplier" not in roles[1]
    )  # fmt: skip
    if not one_transfer and (
        semicolons == len(breaks) or (semicolons + buts == len(breaks) and not complete)
    ):
        # "Riyadh turns to Brazil; Ankara hands over ...", "Russia supplied the bulk of
        # Armenia's weapons until 2020, but ... Azerbaijani forces retook the region"
        return [p for p in parts if p[1]]
    return [(sentence, casts)]


def _joined(sentence: str, casts: list[Cast], role: str) -> bool:
    """The states in this role are named together ("Emirati and South African makers"), not
    one in the transfer and one in the background ("to replace its Israeli-made jets")."""
    same = [c.mention for c in casts if c.role == role]
    return any(
        re.fullmatch(r"\s*(?:,|and|or|,\s*and)\s*(?:the\s+)?", sentence[a.end : b.start])
        for a, b in itertools.pairwise(same)
    )


def _codes(casts: list[Cast], role: str) -> list[str]:
    out: list[str] = []
    for c in casts:
        if c.role == role and c.mention.code not in out:
            out.append(c.mention.code)
    return out


CLAUSE_BREAK = re.compile(
    r";|,? and that |,? while |, but |, whereas |,? and (?=(?:has |have |had )?(?:signed|agreed|"
    r"completed|delivered|ordered|received|will)\b)"
)


def _clause_of(sentence: str, pair: _Pair) -> str:
    """The part of a sentence that speaks of this pair's recipient ("ammunition was exported
    to Qatar in 2022 and that an export ... to Brazil was authorised": two transfers)."""
    parts = CLAUSE_BREAK.split(sentence)
    if len(parts) == 1:
        return sentence
    for i, part in enumerate(parts):
        if any(m.code == pair.recipient for m in country_mentions(part)):
            kept = [part]
            for later in parts[i + 1 :]:  # "... and that the first aircraft would arrive soon"
                if any(m.code != pair.supplier for m in country_mentions(later)):
                    break
                kept.append(later)
            return " ".join(p.strip() for p in kept)
    return sentence


def _first_party(pair: _Pair, companies: dict[str, str]) -> bool:
    """A party to the transfer says, in the past tense, that it happened: "the Kenya Defence
    Forces said it had taken delivery", "the company said it had shipped ... to Poland"."""
    parties = {pair.supplier, pair.recipient}
    for s in pair.sentences:
        either = at.PAST_DELIVERY.search(s.text) is not None
        supplier_only = at.SUPPLIER_PAST_DELIVERY.search(s.text) is not None
        if not (either or supplier_only) or at.HEDGE.search(s.text) or at.deniers(s.text):
            continue  # "said it rejected a report that rockets had been delivered"
        for name in at.sayers(s.text):  # "the company said it had shipped ..."
            codes = set(_states_of(_as_named(name, companies), companies))
            if codes & (parties if either else {pair.supplier}):
                return True
        if re.match(r"^(?:[A-Z]+:\s*)?(?:I|We)\b|\bI can confirm\b", s.text):
            return True  # a briefing or an interview: the speaker is the party
    return False


@dataclass(frozen=True)
class _Reading:
    """What a report says whichever transfer is asked about: read once per report, not once
    per transfer."""

    sentences: list[Sentence]
    published: str | None
    companies: dict[str, str]
    casts_of: dict[int, list[Cast]]
    owners: dict[int, set[tuple[str, str]]]  # the pairs each sentence is evidence of
    sayers_of: dict[int, list[str]]  # named sources per sentence, "the paper said" resolved
    named: list[str]  # every named source that does not only react, in order
    reacting: set[int]  # sentences whose voices only react
    deniers: list[tuple[str, set[str]]]  # who denies, with the states their names contain


def _voices(sentences: list[Sentence]) -> tuple[dict[int, list[str]], list[str], set[int],
                                                list[tuple[str, set[str]]]]:  # fmt: skip
    named: list[str] = []  # to resolve "the paper said"
    sayers_of: dict[int, list[str]] = {}
    reacting: set[int] = set()
    deniers: list[tuple[str, set[str]]] = []
    for s in sentences:
        found = []
        for name in at.sayers(s.text):
            if at.is_generic(name):
                resolved = next((n for n in reversed(named)), None)
                if resolved and resolved not in found:
                    found.append(resolved)
            else:
                found.append(name)
                if not REACTION.search(s.text):
                    named.append(name)
        sayers_of[s.index] = found
        if REACTION.search(s.text):
            reacting.add(s.index)
        deniers += [(name, {m.code for m in country_mentions(name)})
                    for name in at.deniers(s.text) if not at.is_generic(name)]  # fmt: skip
    return sayers_of, named, reacting, deniers


def _transfer(pair: _Pair, reading: _Reading) -> Transfer:
    sentences, companies = reading.sentences, reading.companies
    evidence = [s.text for s in pair.sentences]
    clauses = [_clause_of(text, pair) for text in evidence]  # status is read from these
    paragraphs = {s.paragraph for s in pair.sentences}
    key = (pair.supplier, pair.recipient)
    context = [  # the rest of its paragraphs, less what speaks of other transfers only
        s.text
        for s in sentences
        if s.paragraph in paragraphs
        and s not in pair.sentences
        and not reading.owners.get(s.index, set()) - {key}
    ]
    headline = sentences[0].text if sentences else ""
    claimants = _claimants(pair, reading)
    denied_by = _deniers(pair, reading)
    head_cast = reading.casts_of.get(0, [])
    headline_denial = bool(head_cast) and head_cast[0].mention.code == pair.supplier
    if any(c.mention.code in (pair.supplier, pair.recipient) for c in head_cast) \
            and not any(c.role == "recipient" and c.mention.code != pair.recipient
                        for c in head_cast) \
            and at.NOT_DELIVERED.search(headline):  # fmt: skip
        # ("Ottawa cancels permits for vehicles bound for Thailand" cancels nothing bound for
        # Ukraine)
        # "Romanian customs seize rifles bound for Libya"; of "Navy receives frigates; German
        # contract cancelled", the part about this pair
        context = [*context, _clause_of(headline, pair)]
    status = at.status_of(clauses, context, headline, bool(denied_by),
                          claimed=any(c not in denied_by for c in claimants),
                          headline_denial=headline_denial,
                          first_party=_first_party(pair, companies))  # fmt: skip
    if status == "denied":
        claimants = []
    elif status != "partly_confirmed":  # who rejects the transfer does not assert it
        claimants = [c for c in claimants if not any(c in d or d in c for d in denied_by)]
    found_items: list[Item] = []
    for text in evidence:
        found_items += [i for i in items(text) if i not in found_items]
    found_items = [  # "rockets" in the headline, "122 mm Grad rockets" in the body: one item
        i
        for i in found_items
        if not any(
            o is not i and o.text.lower().endswith(" " + i.text.lower()) for o in found_items
        )
    ]
    amount = quantity(evidence)
    if amount is None:  # "amounts to hundreds of thousands of shells", said of the supplier
        amount = quantity([s.text for s in sentences if s not in pair.sentences
                           and any(c.role == "supplier" and c.mention.code == pair.supplier
                                   for c in reading.casts_of[s.index])])  # fmt: skip
    supplier_orgs: list[str] = []
    for text in evidence:
        supplier_orgs += [o for o in organisations(text) if o not in supplier_orgs]
    return Transfer(
        supplier_country=pair.supplier,
        recipient_country=pair.recipient,
        intermediary_countries=sorted(pair.via),
        supplier_orgs=supplier_orgs,
        items=found_items,
        quantity=amount,
        date=transfer_date(evidence, reading.published),
        claimants=claimants,
        status=status,
        denied_by=denied_by,
        evidence=evidence,
        why=pair.why,
        context=context,
    )


REACTION = re.compile(
    r"\b(?:declined|did not|does not|has not|rejected|denied|dismissed|no information|"
    r"not respond|comment|regrets?|welcomed|condemned|urged|called on|examining|studying)\b"
)


def _claimants(pair: _Pair, reading: _Reading) -> list[str]:
    """Who asserts the transfer: the sayers of its evidence sentences; failing those, of their
    paragraphs, then of the report, leaving out voices that only react (a ministry that
    "declined to comment" or "rejected" it is no source)."""
    out: list[str] = []
    body = [s for s in pair.sentences if s.index > 0] + [s for s in pair.sentences if s.index == 0]
    for s in body:  # the headline's "Russian intelligence says" last: the body names it in full
        out += [n for n in reading.sayers_of.get(s.index, []) if n not in out]
    if not out:
        paragraphs = {s.paragraph for s in pair.sentences}
        for s in reading.sentences:
            if s.paragraph in paragraphs and s.index not in reading.reacting:
                out += [n for n in reading.sayers_of.get(s.index, []) if n not in out]
    if not out and reading.named:
        out = reading.named[
            :1
        ]  # the first named source speaks for what the report does not attribute
    return out


def _deniers(pair: _Pair, reading: _Reading) -> list[str]:
    parties = {pair.supplier, pair.recipient, *pair.via}
    out: list[str] = []
    for name, codes in reading.deniers:
        if (codes & parties or not codes) and name not in out:
            out.append(name)
    return out
