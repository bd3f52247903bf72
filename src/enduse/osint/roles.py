"""Who is who in one sentence: which state a mention makes the supplier, the recipient, an
intermediary, or only the speaker, read off the words around it.

Rules over the words, not a parser: reports on arms transfers say these things in a small
number of ways ("X supplied ... to Y via Z", "Y received X-made ...", "bought from X",
"end-user certificates naming Z"), and a rule that fires says why (`cue`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from enduse.osint.gazetteer import Mention, country_mentions
from enduse.osint.lexicon import RECEIVING_VERBS, SUPPLY_NOUNS, SUPPLYING_VERBS, alternation
from enduse.osint.organisations import ORG_SUFFIX

Role = Literal["supplier", "recipient", "intermediary", "speaker", "none"]

# A deal to sell, or a state's leave to sell: the subject supplies ("Japan signed a deal to
# export", "Germany approved the export of").
SUPPLY_DEAL = (
    r"(?:signed|inked|struck|agreed|clinched) (?:a|an|the) (?:[\w$.,-]+ ){0,3}?(?:deal|contract|"
    r"agreement) to (?:export|sell|supply|deliver|provide)|(?:approved|authori[sz]ed|licensed|allowed|"
    r"cleared|permitted) (?:the )?(?:export|exports|sale|sales|transfer|delivery|re-export)|"
    r"(?:win|won|wins|winning|secured|landed|clinched)\s+(?:[\w-]+\s+){0,2}?(?:orders?|contracts?|"
    r"tenders?)|"
    r"complet(?:ed|es|ing) (?:the )?(?:delivery|deliveries|transfer|shipment|handover)"
)
SUPPLY = (
    rf"{SUPPLY_DEAL}|{alternation(SUPPLYING_VERBS + SUPPLY_NOUNS)}|"
    r"arm(?:ed|ing|s)?(?= (?:the|its|both|either|[A-Z]))|"
    r"arranged (?:the )?(?:delivery|shipment|transfer)|(?:agreed|contracted|due|set|chosen) to "
    r"(?:build|manufacture|produce)"
)
RECEIVE = (
    rf"{alternation(RECEIVING_VERBS)}|orders|purchases|"
    r"(?:signed|inked) (?:a|an|the) (?:[$€£¥]?[\w.,-]+ )*?(?:contract|deal|agreement|letter of intent)|"
    r"awarded|awards|award|exercised (?:an|the|its) options?|placed (?:an|the|its) order|"
    r"paid (?:[\w$€£.,-]+ ){0,6}?(?:for|under)|"
    r"contracts? (?:for|with)|letter of intent|framework agreement|a deal to buy"
)
MOVE = (
    r"reach(?:ed|es|ing)?|end(?:ed)? up|turn(?:ed)? up|surfaced|resurfaced|(?:was|were|been) found|"
    r"recovered|documented|photographed|(?:was|were|been) (?:seen|identified|observed)|"
    r"arriv(?:e|ed|es|ing)|bound for|destined for|cargo flights?|entered service|"
    r"end-user certificates?|transit"
)
# never inside a compound: "anti-ship missiles" ship nothing
TRIGGER = re.compile(
    rf"(?<![\w-])(?:(?P<supply>{SUPPLY})|(?P<receive>{RECEIVE})|(?P<move>{MOVE}))\b"
)

SPEAKER_AFTER = re.compile(
    r"^(?:'s?|’s?)?\s*(?:(?:new|own|state|federal|transitional|military|then|former|top|"
    r"deputy|senior|national|main|official)\s+)*"
    r"(?:foreign|defen[cs]e|security|intelligence|economy|economic|trade|finance|interior|"
    r"armed forces|state security|national intelligence|military intelligence)?\s*"
    r"(?:ministry|ministries|ministers?|office|service|council|secretariat|embassy|mission|"
    r"government|officials?|authorities|president|prime minister|spokes\w+|media|lawmakers?|"
    r"parliament|court|prosecutors?|customs|police|commanders?|leaders?|diplomats?|officers|"
    r"foreign office|agency|opposition|analysts?|researchers?|outlets?|newspaper|daily|"
    r"broadcaster|television|regulators?|investigators?|sources?|statement|state media|"
    r"intelligence|spy agency|security service|"
    r"Foreign|Defen[cs]e|Ministry|Security|Intelligence|State|Federal|National|Armed)\b"
)
PRODUCER_AFTER = re.compile(
    r"^(?:-|\s)(?:made|built|produced|manufactured|designed|origin)\b|"
    r"^(?:'s|’s)?\s*(?:(?!(?:to|from|through|via|and|or|in|of|for|with|by|at|on|into|the|a|an|that|which|was|were|is|are|had|has|have)\b)[\w-]+\s+){0,3}?(?:arms makers?|makers?|manufacturers?|producers?|"
    r"plants?|factor(?:y|ies)|firms?|compan(?:y|ies)|enterprises?|industr(?:y|ies)|"
    r"shipbuilders?|shipyards?|yards?|builders?|contractors?|vendors?|conglomerates?|"
    r"suppliers?|exporters?|works|defen[cs]e (?:industry|enterprises|companies|firms)|"
    r"state-owned (?:companies|firms)|arms (?:deliveries|exports|sales|supplies)|"
    r"(?:deliveries|exports|supplies|shipments|sales) of|export of|initiative|programme|program|"
    r"re-?exports?|re-?sales?|re-?transfers?|"
    r"scheme|consortium)\b(?!\s+(?:register|registry|records|law|court)\b)"
)
GOODS_AFTER = re.compile(
    r"^(?:-made|-built)?\s*(?:(?!(?:to|from|through|via|and|or|in|of|for|with|by|at|on|into|the|a|an|that|which|was|were|is|are|had|has|have)\b)[\w-]+\s+){0,2}?(?:weapons|ammunition|shells|rockets|drones|"
    r"rifles|munitions|howitzers|jets|missiles|mortar bombs|bombs|cargo flights|cargo aircraft|"
    r"arms|artillery|materiel|grenades|tank rounds|rounds|vehicles|aircraft|helicopters|tanks|"
    r"launchers|radars|pistols|howitzers)\b"
)
RECIPIENT_AFTER = re.compile(
    r"^(?:'s|’s)?\s*(?:(?!(?:to|from|through|via|and|or|in|of|for|with|by|at|on|into|the|a|an|that|which|was|were|is|are|had|has|have)\b)[\w-]+\s+){0,2}?(?:forces|army|armed forces|Armed Forces|military|"
    r"troops|units|soldiers|air force|navy|border guard|junta|crews|fighters|defen[cs]e forces|"
    r"special forces|artillery units|coast guard|gendarmerie|marines|national guard|"
    r"militias?|rebels|presidential guard|navy|air defen[cs]e units?|gangs?|cartels?|militants|"
    r"insurgents|armed groups?|paramilitar(?:y|ies))\b(?!\s+(?:equipment|goods|aid|assistance|hardware|"
    r"cooperation|exports?|spending|budget|materi[ae]l|industry|attach[eé]s?|parade|stocks?|"
    r"stockpiles?|arsenals?|depots?|inventor(?:y|ies)|storage|surplus|warehouses?|intelligence|"
    r"agency|spokes\w+|officials?|sources?|analysts?|court|prosecutors?|attorneys?|academy))",
    re.IGNORECASE,
)
BROKER_AFTER = re.compile(
    r"^(?:'s|’s)?\s*(?:(?!(?:to|from|through|via|and|or|in|of|for|with|by|at|on|into|the|a|an|that|which|was|were|is|are|had|has|have)\b)[\w-]+\s+){0,2}?(?:intermediar\w*|middlem[ae]n|trader|traders|"
    r"trading (?:company|house|firm)|brokers?|buyer|buyers of record|port of|ports?)\b"
)
INTERMEDIARY_BEFORE = re.compile(
    r"\b(?:through|via|across|transit(?:ing)?(?: through)?|by way of|in the name of|naming|named|"
    r"warehouses? in|depots? in|(?:company|trader|firm|buyer|broker|house|dealer|distributor|importer|"
    r"forwarder|agent|intermediary|hub|stopover|airport|port) in|stopover in|"
    r"certificates? (?:issued )?(?:for|from)|end users? (?:was|were|in)|declared|cover of)\s+"
    r"(?:the\s+)?(?:(?:port|airport|border|territory|city) of\s+)?(?:[\w-]+\s+)?$|"
    r"\bend[- ]users? (?:as|was|were|named as|listed as)\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+)?$"
)
# Where a ship or an aircraft stopped on the way: "transhipped at Piraeus", "seized at the
# port of Constanta" (a place, not a party).
STOPPED_AT_BEFORE = re.compile(
    r"\b(?:(?:at|in) the (?:port|airport|harbou?r|terminal|airfield) of|(?:transhipped|"
    r"transshipped|trans-shipped|refuell?ed|stopped|seized|intercepted|inspected|impounded|"
    r"detained|held|stopover) (?:at|in))\s+$"
)
# "Guinea used as a transit country", "with Egypt serving as a staging post"
TRANSIT_AFTER = re.compile(
    r"^\s+(?:(?:was|is|were|being)\s+)?(?:used\s+|serving\s+|acting\s+)?as\s+(?:an?\s+|the\s+)?"
    r"(?:transit|transhipment|trans-shipment|staging|logistics|re-export)\b"
)
# "the Indian Ocean", "the Arabian Sea": a sea, not a state
GEOGRAPHY_AFTER = re.compile(r"^\s+(?:Ocean|Sea|Gulf|Straits?|Peninsula|Basin|Channel)\b")
# "flown to Rzeszow in south-eastern Poland": the state takes the place's part
PLACE_IN_BEFORE = re.compile(
    r"(?:[A-Z][\w'’-]+\s+){1,3}in\s+(?:the\s+)?(?:(?:north|south|east|west|central|northern|"
    r"southern|eastern|western|[a-z]+-[a-z]+)\s+)?$"
)
RECIPIENT_BEFORE = re.compile(
    r"(?:(?<![Aa]ccording )\bto|\binto|\bfor|\bon to|\bonward to|bound for|(?:entered|into|in) "
    r"service with|inducted into|reach(?:ed|es|ing)?|ended up in|end up in|arriv\w* in|"
    r"turn(?:s|ed)? up (?:(?:in|with)(?: [\w-]+){0,8}? )?in|surfaced in|found in|"
    r"destined for|addressed to|consigned to|consignees? in|buyers? in|landed in|(?:landed|arrived|unloaded|offloaded|docked) at|touched down (?:at|in)|"
    r"delivery to|deliveries to|exports? to|sales? to|ordered by|"
    r"recovered (?:from|in)|documented in|photographed in|(?:seen|identified|observed) in|"
    r"in the (?:hands|possession|arsenals?|inventory) of|"
    r"\b(?:flights?|shipments?|runs|voyages?|sailings?|routes?|deliveries)\s+between\s+[^,;.]{1,80}?\s+"
    r"and|"
    r"(?:in the (?:hands|possession) of|recovered from|documented (?:with|among)|used by|seized from|"
    r"captured from) (?:[\w'’()-]+\s+){0,8}?(?:in|near)|"
    r"bought by|used by|customers? in|the custody of|ordered by (?:the )?(?:(?:[A-Z][\w-]*|of|the)\s+)*)"
    r"\s*(?:(?:the|a|an)\s+)?$|"
    r"\b(?:to|for|into|by)\s+(?:the\s+)?(?:[A-Z][\w-]*\s+|and\s+){0,6}(?:(?i:forces|army|air force|navy|"
    r"coast guard|military|gendarmerie|marines|national guard|ministry of defen[cs]e|"
    r"armed forces|defen[cs]e forces|border guard))\s+of\s+(?:the\s+)?$"
)
SUPPLIER_BEFORE = re.compile(
    r"\bfrom (?:the |an? )?(?:[\w-]+ )?(?:airfields?|airports?|air bases?|bases?|ports?|depots?|"
    r"warehouses?|stocks?|factories|plants?|arsenals?|stockpiles?) (?:in|of|at)\s+(?:the\s+)?$|"
    r"\b(?:awarded|gave|granted|placed) (?:a|an|the) (?:[\w$.,-]+ ){0,4}?(?:contract|order|deal) "
    r"(?:to|with)\s+(?:the\s+)?(?:[\w-]+\s+){0,1}?$|"
    r"\b(?:made|built|produced|manufactured|developed|designed|supplied|exported|shipped|"
    r"sold) by (?:the\s+)?(?:[A-Z][\w&.-]*\s+){1,5}(?:\([^)]*\)\s+)?(?:of|in|from)\s+(?:the\s+)?$|"
    r"(?<!away )\b(?:from|made in|built in|produced in|manufactured in|"
    r"(?:factory|plant|manufacturer|producer|maker|works) in|(?:built|made|produced|"
    r"manufactured|supplied|provided|designed|exported|sold|shipped|delivered|transferred|donated|"
    r"sent|originally exported) by)\s+(?:the\s+)?(?:(?!(?:to|and|via|through|into|then|on|in|at|for|of|with)\b)[\w-]+\s+){0,2}?$"
)
PREPOSITION_BEFORE = re.compile(
    r"\b(?:to|from|in|of|for|via|through|with|by|at|on|into|across|against|between|about|"
    r"over|near|toward|towards|than|under|named|naming)\s+(?:the\s+)?"
    r"(?:(?:north|south|east|west|central|eastern|western|northern|southern|[a-z]+-[a-z]+)\s+)?$"
)
OFFICE_OF_BEFORE = re.compile(
    r"\b(?:Ministry|Minister|Government|Embassy|President|Parliament|Department|Office|Agency)"
    r"(?: of [A-Z][\w ]*?)? of (?:the )?(?:Republic of )?$"
)
END_USER_AFTER = re.compile(
    r"^\s*(?:[\w-]+\s+){0,2}?(?:firm|company|trader|broker|buyer)\s+(?:was|is|were)\s+"
    r"(?:listed|named|declared|given|shown)\s+as\s+(?:the\s+)?(?:end[- ]user|buyer|consignee)"
)
# "protect cities from Russian missile attacks": where the danger comes from, not goods
HOSTILE_AFTER = re.compile(
    r"^\s+(?:[\w-]+\s+){0,3}?(?:attacks?|strikes?|aggression|invasion|assaults?|shelling|"
    r"bombardment|threats?|incursions?)\b"
)
# "delivered rocket motors to Rheinland GmbH, a German missile manufacturer": the buyer is a
# company of that state
TO_COMPANY_BEFORE = re.compile(
    rf"\b(?:to|for)\s+(?:the\s+)?(?:[A-Z][\w&.-]{{0,40}}\s+){{0,4}}(?:{ORG_SUFFIX})\s*(?:\([^)]*\)\s*)?,"
    r"\s+(?:a|an|the)\s+(?:[\w-]+\s+)?$"
)
# "link the rifles to Iran", "traced to Serbian production": where goods came from
TRACED_TO_BEFORE = re.compile(
    r"\b(?:link(?:ed|s)?|tie[sd]?|traced?|traces|attribut(?:ed|es?)|connect(?:ed|s)?)\b"
    r"(?:\s+[\w-]+){0,6}?\s+(?:back\s+)?to\s+(?:the\s+)?$"
)
# "secured an order from the Egyptian Ministry of Defence": an order comes from the buyer
ORDER_FROM_BEFORE = re.compile(
    r"\b(?:orders?|contracts?|tenders?|requirements?)\s+from\s+(?:the\s+)?$"
)
# "payments received from Russia": money moves the other way from goods
PAYMENT_BEFORE = re.compile(
    r"\b(?:payments?|funds|funding|money|proceeds|loans?|credits?|cash|revenues?|invoices?|"
    r"remittances?|wire transfers?|financing)\b(?:\s+[\w-]+){0,2}\s+from\s+(?:the\s+)?$"
)
# "India inked a deal with France": the other side of the buyer's deal sells; "Hanseong
# signed an agreement with Romania": the other side of a company's deal buys.
DEAL_WITH_BEFORE = re.compile(
    r"(?<!cooperation )(?<!partnership )(?<!security )(?<!trade )(?<!strategic )"
    r"\b(?:deal|contract|agreement|order|accord)(?:\s+[\w-]+){0,5}?\s+with\s+(?:the\s+)?"
    r"(?:[\w-]+\s+){0,1}?$"
)
# who signs a deal with a state, when no state was named before it: a company ("Hanseong
# signed an agreement with Romania"), not "Under a 2018 deal with Russia, India received ..."
COMPANY_SIGNS = re.compile(
    rf"(?:^|[.;]\s+)(?:[A-Z][\w&.-]{{0,40}}\s+){{0,4}}(?:{ORG_SUFFIX}|[Tt]he (?:company|firm|"
    r"manufacturer|group|maker|shipyard))\b[^.;]{0,80}$|^[A-Z][\w&.-]{0,40}(?:\s+[A-Z][\w&.-]{0,40}){0,3}"
    r"\s+(?:has\s+|had\s+|also\s+)*(?:signed|inked|won|secured|agreed|clinched)\b"
)
MAKER_AFTER = re.compile(
    r"^\s+(?:[\w-]+\s+){0,2}?(?:exporters?|manufacturers?|makers?|producers?|factory|plant|"
    r"shipyards?|shipbuilders?|arms makers?)\b"
)
# "sent its special envoy to Kyiv": people and words travel, not goods
PEOPLE_AFTER = re.compile(
    r"^\s+(?:its\s+|their\s+|an?\s+|the\s+)?(?:special\s+|senior\s+|high-level\s+)?(?:envoys?|"
    r"delegations?|diplomats?|ministers?|observers?|representatives?|condolences|messages?|"
    r"letters?|greetings|signals?|invitations?)\b"
)
# "Six Chinese air force transport aircraft landed at Belgrade"
CARRIER_AFTER = re.compile(
    r"^\s+(?:(?:air force|military|army|navy|naval|state)\s+)?(?:transport|cargo)\s+"
    r"(?:aircraft|planes|flights|ships|vessels|trucks|convoys?)\b",
    re.IGNORECASE,
)
# between forces and their verb: "the army's trucks ferried", "forces have also delivered"
FORCES_VERB_GAP = re.compile(
    r"\s*(?:(?:trucks|aircraft|planes|ships|vessels|helicopters|convoys|units|have|has|had|also|"
    r"reportedly|allegedly)\s+){0,2}"
)
SOURCE_BEFORE = re.compile(
    r"\b(?:(?:assessments?|reports?|statements?|analys[ie]s|findings|estimates?|investigations?|"
    r"stud(?:y|ies)|documents?|data|sources? in|officials? (?:in|of)) (?:[\w-]+ )?(?:by|of|from)?|"
    r"citing|according to)\s+(?:the\s+)?$"
)
GOVERNMENT_IN_BEFORE = re.compile(
    r"\b(?:government|authorities|administration|junta|leadership|officials|militias?|forces|"
    r"troops|rebels|fighters|units|groups?) (?:in|of)\s+$"
)
# "lent $2 billion", "gave $500 million in aid", "moved thousands of troops": no goods move
MONEY_OR_PEOPLE_AFTER = re.compile(
    r"\s+(?:(?:about|some|around|nearly|over|more than|at least|an estimated|a further|another)\s+)?"
    r"(?:[$€£¥]|US\$|\d[\d.,]*\s*(?:million|billion|bn|m)\b|(?:[\w-]+\s+){0,3}?(?:troops|soldiers|"
    r"personnel|peacekeepers|envoys?|delegations?|diplomats?)\b)"
)
CITY_TRADER_AFTER = re.compile(
    r"^(?:-based)?\s+(?:[\w-]+\s+)?(?:businessm[ae]n|traders?|compan(?:y|ies)|firms?|dealers?|"
    r"brokers?|manufacturers?|makers?|exporters?|shipbuilders?)\b"
)
REGISTERED_AFTER = re.compile(r"^-(?:registered|based|listed|headquartered)")
LOCATED_BEFORE = re.compile(r"\b(?:headquartered|based|registered|incorporated) in\s+(?:the\s+)?$")
ORG_AFTER = re.compile(
    r"^(?:'s|’s)\s+(?:state-owned\s+|state-run\s+)?(?:[A-Z][\w-]+\s+){0,3}(?:Defen[cs]e|Arms|"
    r"Works|Ordnance|Trading|Industries|Systems|Aerospace|Aerosystems|Aero|Group|Holding|"
    r"Munitions|Engineering|Wehrtechnik)\b(?!\s+(?:Ministry|Minister|Forces|Council|Service|Office|"
    r"Agency|Committee|Department|Staff|Intelligence|Secretariat|Materiel|Material|Administration|"
    r"Procurement|Acquisition|Logistics|Export))"
)
# A state's name before its forces: "Ukraine's army", "the UAE Armed Forces" (not "Egypt
# pledged troops").
OWN_FORCES = re.compile(r"^(?:'s|’s|\s+[A-Z][\w-]*)\s*")
ACTING = re.compile(
    r"^\s*(?:\([^)]*\)\s*)?(?:(?:[\w-]+\s+){0,2}(?:forces|troops|units|personnel|crews)\s+)?(?:have |has |had |were |are |is |was )?(?P<v>(?:\w+ed|\w+ing|seize|board|"
    r"fire|attack|intercept|stop|left|fought|withdrew|withdrawn|took|went|struck|shot|began|won|"
    r"lost|held|ran|led|met|came|drove|kept|fled|overran|hit|seized|leave|withdraw|fight|retook|"
    r"beat|shot down|took back)\b"
    r"(?: delivery| possession| receipt)?)"
)
SUBJECT_SUPPLY = re.compile(
    rf"{SUPPLY_DEAL}|{alternation(SUPPLYING_VERBS)}|arm|arming|armed|"
    r"arranged (?:the )?(?:delivery|shipment|transfer)"
)
SUBJECT_RECEIVE = re.compile(
    rf"{alternation(RECEIVING_VERBS)}|signed .*|inked .*|a deal to buy|awarded|awards|award|"
    r"exercised .*|placed .*|paid .*"
)


MAX_MENTIONS = 40


@dataclass(frozen=True)
class Cast:
    mention: Mention
    role: Role
    cue: str


def _coordinated(sentence: str, casts: list[Cast]) -> list[Cast]:
    """'Russian and Chinese companies', 'the Czech Republic and Poland': one role for both."""
    out = list(casts)
    for i in range(len(out) - 1, 0, -1):
        a, b = out[i - 1], out[i]
        between = sentence[a.mention.end : b.mention.start]
        if re.fullmatch(r"\s*(?:,|and|or|,\s*and)\s*(?:the\s+)?", between) and not re.match(
            r"(?:'s|’s)\b", sentence[b.mention.end :]
        ):  # "through the Dominican Republic, the U.S. Attorney's Office said": no list
            if a.role in ("none",) and b.role != "none":
                out[i - 1] = Cast(a.mention, b.role, b.cue + " (coordinated)")
            elif b.role in ("none",) and a.role != "none":
                out[i] = Cast(b.mention, a.role, a.cue + " (coordinated)")
    return out


def cast(sentence: str, mentions: list[Mention] | None = None) -> list[Cast]:
    """The role of every state this sentence names."""
    mentions = country_mentions(sentence) if mentions is None else mentions
    # a sentence naming more states than this is a list, not a transfer: the cap keeps the
    # work per sentence linear (each mention looks at the others)
    mentions = mentions[:MAX_MENTIONS]
    triggers = list(TRIGGER.finditer(sentence))
    casts: list[Cast] = []
    for m in mentions:
        # the words around a mention decide its role: bounded windows keep every search linear
        before, after = sentence[max(0, m.start - 200) : m.start], sentence[m.end : m.end + 200]
        role: Role = "none"
        cue = ""
        place_in = PLACE_IN_BEFORE.search(before) if m.kind == "name" else None
        if GEOGRAPHY_AFTER.match(after):
            role, cue = "none", "a sea or a strait"
        elif TRANSIT_AFTER.match(after):
            role, cue = "intermediary", "named as the transit state"
        elif (
            place_in
            and m.kind != "city"
            and (
                INTERMEDIARY_BEFORE.search(before[: place_in.start()])
                or STOPPED_AT_BEFORE.search(before[: place_in.start()])
            )
        ):
            role, cue = "intermediary", "a place there the goods passed"
        elif place_in and m.kind != "city" and RECIPIENT_BEFORE.search(before[: place_in.start()]):
            role, cue = "recipient", "a place there the goods went to"
        elif m.kind == "city":  # a port or an airport: a place goods pass, never an actor...
            nxt = next((t for t in triggers if t.start() >= m.end), None)
            if CITY_TRADER_AFTER.match(after) and nxt is not None and nxt.group("supply") \
                    and SUBJECT_SUPPLY.fullmatch(nxt.group(0)) \
                    and _clause_between(sentence, m.end, nxt.start()):  # fmt: skip
                role, cue = "supplier", "a trader of that city ships"  # ...but its traders are
            elif INTERMEDIARY_BEFORE.search(before) or STOPPED_AT_BEFORE.search(before):
                role, cue = "intermediary", "transit through its port or airport"
            elif SUPPLIER_BEFORE.search(before):
                role, cue = "supplier", "from its port"
            elif RECIPIENT_BEFORE.search(before):
                role, cue = "recipient", "to its port"
        elif REGISTERED_AFTER.match(after) or LOCATED_BEFORE.search(before):
            nxt = next((t for t in triggers if t.start() >= m.end), None)
            if nxt is not None and nxt.group("supply") and SUBJECT_SUPPLY.fullmatch(nxt.group(0)) \
                    and _clause_between(sentence, m.end, nxt.start()):  # fmt: skip
                role, cue = "supplier", "a company there ships"
            elif not after.startswith("-registered") and MAKER_AFTER.match(
                re.sub(r"^-\w+", "", after)
            ):
                role, cue = "supplier", "a maker based there"
            elif not after.startswith("-registered") and BROKER_AFTER.match(
                re.sub(r"^-\w+", "", after)
            ):  # a Zagreb-based trading house handles the goods; a Cyprus-registered one, papers
                role, cue = "intermediary", "a trader based there"
            else:
                role, cue = "none", "where a company is registered"
        elif OFFICE_OF_BEFORE.search(before):
            role, cue = "speaker", "its ministry or government"
        elif INTERMEDIARY_BEFORE.search(before) or (
            (m.kind == "adjective" or after.startswith(("'s", "’s"))) and BROKER_AFTER.match(after)
        ):
            role, cue = "intermediary", "transit, trader or declared end user"
        elif END_USER_AFTER.match(after):
            role, cue = "intermediary", "its firm was named as the end user"
        elif (
            DEAL_WITH_BEFORE.search(before)
            and m.kind == "adjective"
            and PRODUCER_AFTER.match(after)
        ):
            role, cue = "supplier", "the maker in a deal"
        elif DEAL_WITH_BEFORE.search(before) and any(c.role == "recipient" for c in casts):
            role, cue = "supplier", "the seller in the buyer's deal"
        elif DEAL_WITH_BEFORE.search(before) and not casts and COMPANY_SIGNS.search(before):
            role, cue = "recipient", "the buyer in a company's deal"
        elif TO_COMPANY_BEFORE.search(before) and m.kind == "adjective" \
                and re.match(r"\s+(?:[\w-]+\s+)?(?:company|firm|manufacturer|maker|producer|group|"
                             r"dealer|trader|exporter|importer|contractor|shipyard)", after):  # fmt: skip
            role, cue = "recipient", "a company of that state buys"
        elif TRACED_TO_BEFORE.search(before):
            role, cue = "supplier", "goods traced to it"  # "rifles traced to Serbia"
        elif ORDER_FROM_BEFORE.search(before):
            role, cue = "recipient", "an order from its buyer"
        elif PAYMENT_BEFORE.search(before):
            role, cue = "none", "money, not goods, came from it"
        elif (
            SUPPLIER_BEFORE.search(before)
            and not RECIPIENT_AFTER.match(after)
            and not HOSTILE_AFTER.match(after)
        ):
            role, cue = "supplier", "from / made by"
        elif (
            m.kind == "adjective"
            and SPEAKER_AFTER.match(after)
            and not PRODUCER_AFTER.match(after)
            and not RECIPIENT_AFTER.match(after)
        ):
            role, cue = "speaker", "an official voice"
        elif m.kind == "adjective" and CARRIER_AFTER.match(after):
            role, cue = "supplier", "its transports carried the goods"
        elif (
            m.kind == "adjective" and GOODS_AFTER.match(after) and not RECIPIENT_AFTER.match(after)
        ):
            role, cue = "supplier", "goods of its making"
        elif ORG_AFTER.match(after):
            role, cue = "supplier", "its company"
        elif RECIPIENT_BEFORE.search(before):
            role, cue = "recipient", "to / for"
        elif m.kind in ("adjective", "capital") and PRODUCER_AFTER.match(after):
            role, cue = "supplier", "its producers or its exports"
        elif m.kind in ("name", "capital") and re.match(
            r"^(?:'s|’s)\s+(?:[\w-]+\s+){0,2}?(?:arms )?(?:deliveries|exports|supplies|shipments|sales)\b",
            after,
        ):
            role, cue = "supplier", "its exports"
        elif re.match(
            r"-(?:backed|supported|aligned|allied|led|sponsored|funded|trained)\b", after
        ):
            role, cue = "none", "backs the forces, is not them"  # "Iranian-backed militias"
        elif RECIPIENT_AFTER.match(after) and SOURCE_BEFORE.search(before):
            role, cue = (
                "none",
                "a source, not a recipient",
            )  # "an assessment by Ethiopia's military"
        elif (forces := RECIPIENT_AFTER.match(after)) and (
            m.kind == "adjective" or (m.kind in ("name", "group") and OWN_FORCES.match(after))
        ):
            nxt = next((t for t in triggers if t.start() >= m.end), None)
            acting = ACTING.match(after[forces.end() :])
            if nxt is not None and nxt.group("supply") and SUBJECT_SUPPLY.fullmatch(nxt.group(0)) \
                    and FORCES_VERB_GAP.fullmatch(after[forces.end() : nxt.start() - m.end]):  # fmt: skip
                role, cue = "supplier", "its forces deliver"  # "Rwandan army trucks ferried"
            elif (nxt is not None and nxt.group("supply") and SUBJECT_SUPPLY.fullmatch(nxt.group(0))
                    and _clause_between(sentence, m.end, nxt.start())) or (
                    acting and not SUBJECT_RECEIVE.match(acting.group("v"))):  # fmt: skip
                role, cue = "none", "forces that act, not receive"
            else:
                role, cue = "recipient", "its forces"
        elif SPEAKER_AFTER.match(after):
            role, cue = "speaker", "an official voice"
        elif m.kind != "adjective" and (
            not PREPOSITION_BEFORE.search(before[-30:]) or GOVERNMENT_IN_BEFORE.search(before)
        ):  # the subject; "the government in Quito cancelled an order" is Quito acting
            nxt = next((t for t in triggers if t.start() >= m.end), None)
            prev = next((t for t in reversed(triggers) if t.end() <= m.start), None)
            between = [
                o for o in mentions if m.end <= o.start and o.end <= (nxt.start() if nxt else 0)
            ]
            nearest = not any(
                not re.fullmatch(
                    r"\s*(?:,|and|or|,\s*and)\s*(?:the\s+)?", sentence[m.end : o.start]
                )
                for o in between[:1]
            )
            if nxt is not None and nearest and _clause_between(sentence, m.end, nxt.start()):
                word = nxt.group(0)
                if (
                    nxt.group("supply")
                    and SUBJECT_SUPPLY.fullmatch(word)
                    and not _noun_use(sentence, nxt)
                    and not PEOPLE_AFTER.match(sentence[nxt.end() :])
                ):
                    role, cue = "supplier", "subject of " + word
                elif nxt.group("receive") and SUBJECT_RECEIVE.fullmatch(word):
                    role, cue = "recipient", "subject of " + word
                elif nxt.group("move") and word not in ("cargo flight", "cargo flights"):
                    role, cue = "recipient", "goods reached it"
            elif (
                prev is not None
                and prev.group("supply")
                and sentence[prev.end() : m.start].strip() in ("", "the")
            ):
                role, cue = "recipient", "object of " + prev.group(0)
        casts.append(Cast(m, role, cue))
    return _coordinated(sentence, casts)


def _noun_use(sentence: str, trigger: re.Match[str]) -> bool:
    """'commercial shipping', 'shipping lines': the word names no act of supplying."""
    before = sentence[max(0, trigger.start() - 12) : trigger.start()]
    after = sentence[trigger.end() : trigger.end() + 12]
    return bool(re.search(r"commercial\s$|the\s$|its\s$|of\s$", before)) or bool(
        re.match(r"\s(?:lines?|routes?|compan|data|records|industry|out\b)", after)
        or MONEY_OR_PEOPLE_AFTER.match(sentence[trigger.end() : trigger.end() + 60])
    )


def _clause_between(sentence: str, start: int, end: int) -> bool:
    """The trigger follows the mention within its clause (no full clause break between)."""
    gap = sentence[start:end]
    return len(gap) < 90 and not re.search(r"[;:]|\bwhich\b|\bwho\b|\bwhile\b|\bbut\b", gap)


def triggered(sentence: str) -> bool:
    return TRIGGER.search(sentence) is not None
