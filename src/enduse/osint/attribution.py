"""Who says so, who denies it, and how far it went: claimants, deniers and the status of an
alleged transfer, from the verbs of saying around its sentences."""

from __future__ import annotations

import re
from functools import lru_cache

_NAME_WORD = r"[A-Z][\w.’'&-]{0,40}"  # "U.S." included; bounded, as a word is
_LINK = r"(?:of|for|and|de|der|des|la|le|the|al)"
NAME = (
    # bounded: a run of capitalised words must not make every search quadratic
    rf"{_NAME_WORD}(?:\s+(?:{_LINK}\s+){{0,3}}{_NAME_WORD}){{0,10}}(?:\s+\([A-Z][\w.-]+\))?"
    rf"(?:\s+in\s+(?:the\s+)?{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})?"  # "the Embassy ... in London"
)
ROLE_WORDS = (
    r"government|ministry|minister|spokes\w+|agency|service|services|office|embassy|mission|"
    r"officials?|president|prime minister|military|army|authorities|lawmakers?|commander|"
    r"parliament|court|intelligence|forces|armed forces|navy|air force|department|directorate|"
    r"command|authority|bureau|inspectorate|secretariat"
)
# "Mali's transitional government", "Iran's deputy defence minister", "an Iranian lawmaker"
HOLDER = (
    rf"{_NAME_WORD}(?:'s|’s)\s+(?:[a-z-]+\s+){{0,3}}(?:{ROLE_WORDS})\b"
    rf"|(?:[Aa]n?\s+|[Tt]he\s+)?[A-Z][a-z]+\s+(?:[a-z-]+\s+){{0,2}}(?:{ROLE_WORDS})\b"
)
GENERIC = (
    r"the (?:paper|newspaper|daily|statement|service|ministry|group|institute|government|court|"
    r"report|agency|outlet|sources?|researchers?|think tank|company|manufacturer|centre|center|"
    r"project|brief|judgment|panel)|prosecutors|officials|sources|the officials"
)
SAY = (
    r"said|says|stated|states|reported|reports|accused|accuses|alleged|alleges|claimed|claims|"
    r"estimates|assesses|assessed|announced|confirmed|confirms|found|told|wrote|"
    r"published|revealed|added|condemned|acknowledged|documented"
)
_GAP = r"(?:\s+on\s+\w+day|\s+(?:today|yesterday|last\s+\w+|this\s+week|in\s+a\s+(?:written\s+)?statement)|\s*,[^,]{0,70},)?"
SAYER = re.compile(  # never from inside a word: a 400 KB token must not be tried at every letter
    rf"(?<![\w.’'&-])(?P<np>{HOLDER}|(?:[Tt]he\s+)?{NAME}|{GENERIC})(?P<gap>{_GAP})\s+(?:has\s+|have\s+|had\s+)?"
    rf"(?:also\s+|repeatedly\s+|publicly\s+|[a-z]+ly\s+)?(?P<verb>{SAY})\b"
)
ACCORDING = re.compile(
    r"\b(?:according to|citing|cited by|seen by|obtained by|reported by|published by)\s+(?P<rest>[^.;]{0,120})"
)
IN_NAME = re.compile(rf"(?:[Tt]he\s+)?{NAME}|{GENERIC}")
INVERTED = re.compile(
    rf"(?:,|\"|”)\s*(?:said|says|according to)\s+(?P<np>{HOLDER}|(?:the\s+)?(?:{NAME})(?:\s+[a-z]+)?)"
    r"(?=\s*(?:[.,;]|$))"
)
DENY = re.compile(
    rf"(?<![\w.’'&-])(?P<np>{HOLDER}|(?:[Tt]he\s+)?{NAME}|{GENERIC})(?:{_GAP})\s+(?:has\s+|have\s+|had\s+)?(?:also\s+|"
    r"repeatedly\s+|quickly\s+|flatly\s+)?(?:on\s+\w+day\s+)?"
    r"(?P<verb>denied|denies|deny|rejected|rejects|dismissed|dismisses|refuted|refutes|"
    r"called (?:it|them|the \w+|the \w+ \w+|the claim|the report|the statement)\b[^.]{0,40}?"
    r"(?:disinformation|fabrication|baseless|groundless|lies|fake|propaganda|unfounded))"
)
NOT_DENIAL_OBJECT = re.compile(
    r"^\s*(?:a|an|the)?\s*(?:\w+\s+){0,2}?(?:request|application|licen[cs]e|bid|offer|proposal)"
)

NOT_DELIVERED = re.compile(
    r"\b(?:cancel(?:led|ed|s)?|refused (?:an|the) export|refused to (?:license|approve|allow)|"
    r"(?:rejected|refused|turned down) (?:a|an|the) (?:\w+ ){0,2}request|block(?:ed|s)|"
    r"never (?:been )?delivered|"
    r"none of which had been delivered|not a single \w+ has (?:reached|arrived)|"
    r"never took delivery|(?:in effect )?been abandoned|abandoned|seizure|"
    r"seiz(?:ed|e|ing)(?! (?:power|control|territory|the initiative))|intercept(?:ed|ion)|"
    r"terminat(?:ed|ion)|cancellation|held back|remain in \w+ stocks|unfulfilled|halt(?:ed)? to|"
    r"never (?:went|gone) beyond|did not go ahead|was never delivered|were never delivered|"
    r"confiscat(?:ed|ion)|never (?:reached|arrived)|stopped (?:a|the) (?:[\w-]+ ){0,2}(?:van|truck|"
    r"lorry|shipment|consignment|vessel|ship|cargo|aircraft|plane|container)s?|(?:did not|failed to) (?:reach|arrive)|"
    r"(?:deal|contract|sale|order|agreement|negotiations|talks|purchase)\b[^.]{0,80}?\bcollaps(?:ed|es)|"
    r"fell (?:through|apart)|shelved|scrapped|(?:put )?on hold|"
    r"(?:deal|contract|sale|deliveries|exports?|licen[cs]es?|shipments?|transfers?)\b[^.]{0,30}?\b"
    r"suspended|suspended (?:the |all |its )?(?:deal|contract|sale|deliveries|exports?|licen[cs]es?|"
    r"shipments?|transfers?|military purchases)|"
    r"revok(?:ed|es)|called off|vetoed|refus(?:ed|es|al|ing)(?! to (?:comment|say|confirm|disclose|"
    r"discuss|answer|elaborate|name|identify|give|provide|release|share|reveal|explain|"
    r"specify))|(?:licen[cs]e|permit) was denied|denied (?:an|the) "
    r"(?:export )?(?:licen[cs]e|permit)|failed to (?:secure|obtain|find) (?:the )?(?:funding|"
    r"financing|money|licen[cs]es?))\b",
    re.IGNORECASE,
)
PLANNED = re.compile(
    r"\b(?:will (?:receive|buy|deliver|supply|send|acquire)|would (?:receive|deliver|buy|supply|"
    r"arrive)|expects? to (?:receive|buy|take)|plans? to (?:buy|acquire|supply|deliver)|"
    r"scheduled to (?:begin|start|arrive)|due to (?:start|begin|arrive)|(?:is|are) to be delivered|"
    r"letter of intent|framework agreement|finalised a deal|finalized a deal|agreed to (?:buy|sell|"
    r"supply)|in the near future|set to (?:receive|buy|deliver)|first aircraft would arrive|"
    r"deliveries (?:are )?due|(?:on schedule|scheduled|due) for delivery|due to arrive|"
    r"expected to arrive|will follow|approved (?:the |a )?(?:possible |proposed )?(?:sale|export)|(?:expected|due|scheduled|set) to be (?:handed over|delivered|"
    r"shipped|dispatched|received|transferred)|awaits?|(?:contract|agreement|deal) to (?:supply|deliver|build)|"
    r"with delivery in|due to (?:supply|deliver|be delivered|be dispatched)|(?:will|would) be "
    r"(?:dispatched|delivered|shipped|handed over|built|manufactured|produced|assembled)|authori[sz]ed (?:\S+ ){1,4}to export|(?:was|were) authori[sz]ed\b|deliveries (?:are )?(?:scheduled|expected)|delivery (?:is )?(?:scheduled|expected))\b",
    re.IGNORECASE,
)
CONFIRMED = re.compile(
    r"\b(?:confirmed|confirms|acknowledged|took delivery|taken delivery|takes delivery|"
    r"has received|have received|"
    r"had received|completed(?:,? on [\w ]+,)? the delivery|sentenced|the court found|"
    r"can confirm|completed delivery|acknowledgement|donated|has donated|have donated|"
    r"t(?:ook|aken) possession|inducted into service|accepted delivery|commissioned into service|"
    r"the judgment|annual report(?![^.]{0,60}\b(?:no|not|none)\b)|handover ceremony|(?:at|during) an? (?:[\w-]+ )?ceremony|"
    r"gifted|(?:has|have|had) gifted|entered service|(?:was|were) received by|"
    r"(?:was|were) inducted|delivered \d+|said (?:on \w+day )?(?:it|that it) "
    r"had (?:delivered|received|supplied))\b",
    re.IGNORECASE,
)
PARTLY = re.compile(
    r"\bbut (?:said|says)?\b[^.]{0,80}?\b(?:no information|does not monitor|not aware|no record|"
    r"could not confirm|did not confirm|declined to)\b|\bbut (?:\w+ ){0,3}?(?:rejected|denied|"
    r"dismissed|refuted)\b",
    re.IGNORECASE,
)
HEDGE = re.compile(r"\b(?:could|might|may|would|if confirmed|cannot)\b")
DENIED_HEADLINE = re.compile(
    r"\b(?:den(?:y|ies|ied)|rejects?|dismiss(?:es)?|refutes?|rebuts?)\b", re.IGNORECASE
)
AT_HEAD = re.compile(r"^(?:[Tt]he|[Aa]n?)\s+")
_STOP_NAMES = {
    "In", "On", "The", "A", "An", "But", "And", "It", "Its", "He", "She", "They", "This", "That",
    "However", "Instead", "Since", "After", "Before", "When", "While", "According", "Last",
    "Summary", "Why", "THREAD", "If", "Now", "Then", "Meanwhile",
}  # fmt: skip


_NOT_SOURCES = {
    "it", "he", "she", "they", "we", "mp", "mps", "ammunition", "weapons", "arms", "rifles",
    "shells", "drones", "missiles", "rockets", "vehicles", "munitions", "the goods", "goods",
    "markings", "lot numbers", "images", "photographs", "records", "documents", "data",
    "claims", "reports", "allegations", "accusations", "rumours", "rumors",
}  # fmt: skip


def clean(np: str) -> str | None:
    np = AT_HEAD.sub("", np.strip(" ,.;:"))
    words = np.split()
    while words and words[0] in _STOP_NAMES:
        words = words[1:]
    np = " ".join(words)
    if not np or np.lower() in _NOT_SOURCES or len(np) < 2:
        return None
    if re.fullmatch(r"(?:[A-Z][a-z]+day|January|February|March|April|May|June|July|August|"
                    r"September|October|November|December|\d+)", np):  # fmt: skip
        return None
    return np


def sayers(sentence: str) -> list[str]:
    """Names that assert something in this sentence, in order."""
    return list(_sayers(sentence))


@lru_cache(maxsize=1024)
def _sayers(sentence: str) -> tuple[str, ...]:
    """Cached: the voice, the deniers, first-party checks and company sources all ask about the
    same sentences, and the search is the costliest in extraction."""
    sentence = re.sub(r"\s+Co\.,?\s+Ltd\.?", "", sentence)
    out: list[tuple[int, str]] = []
    for m in SAYER.finditer(sentence):
        name = clean(m.group("np"))
        apposition = m.group("gap").strip(" ,")
        if name and m.group("gap").lstrip().startswith(",") and re.match(r"[A-Z]", apposition):
            name = f"{name}, {apposition}"  # "the Military Spokesman, Colonel Tamer El-Gohary,"
        if name:
            out.append((m.start(), name))
    for m in INVERTED.finditer(sentence):
        name = clean(m.group("np"))
        if name:
            out.append((m.start(), name))
    for m in ACCORDING.finditer(sentence):
        # the source is the phrase right after "according to", not a name further on
        rest = re.split(r",|;|\b(?:indicates?|show(?:s|ed)?|said|says|that|which|who|on|in)\b",
                        m.group("rest"))[0]  # fmt: skip
        named = [n for n in (clean(x.group(0)) for x in IN_NAME.finditer(rest)) if n]
        if named:
            out.append((m.start(), named[0]))
    return tuple(dict.fromkeys(name for _, name in sorted(out)))


# "the ministry said that it rejected the report": the one who says denies
SAID_IT_DENIED = re.compile(
    r"\b(?:said|says|stated|added)\s+(?:on \w+day\s+)?(?:that\s+)?(?:it|they)\s+(?:had\s+|has\s+|"
    r"have\s+)?(?:firmly\s+|categorically\s+|strongly\s+)?(?:rejected|rejects|denied|denies|"
    r"dismissed|dismisses|refuted|refutes)\b"
)


def deniers(sentence: str) -> list[str]:
    out = [name for name in sayers(sentence)[:1] if SAID_IT_DENIED.search(sentence)]
    for m in DENY.finditer(sentence):
        if NOT_DENIAL_OBJECT.match(sentence[m.end() :]):
            continue
        name = clean(m.group("np"))
        if name:
            out.append(name)
    return out


def is_generic(name: str) -> bool:
    return (
        re.fullmatch(GENERIC, name) is not None
        or re.fullmatch(
            r"(?:paper|newspaper|daily|statement|service|ministry|group|institute|government|court|"
            r"report|agency|outlet|sources?|researchers?|company|manufacturer|project|brief|"
            r"judgment|panel|officials|centre|center)",
            name.lower(),
        )
        is not None
    )


def status_of(evidence: list[str], context: list[str], headline: str, denied: bool,
              claimed: bool, headline_denial: bool = False,
              first_party: bool = False) -> str:  # fmt: skip
    """One of alleged, confirmed, partly_confirmed, denied, planned, not_delivered.

    The body decides before the headline (a headline sums up several transfers); a party to
    the transfer saying it happened (`first_party`: its ministry, forces or company, in the
    past tense) confirms it."""
    body = [e for e in evidence if e != headline] or evidence
    text = " ".join(body)
    around = " ".join(context)
    if NOT_DELIVERED.search(text):
        return "not_delivered"
    if PLANNED.search(text) and not delivered_now(text):
        return "planned"  # "took delivery of the second batch ... the remainder are to be built"
    if NOT_DELIVERED.search(around) and not CONFIRMED.search(text):
        return "not_delivered"
    if SIGNED_DEAL.search(text) and not delivered_now(text) and not first_party:
        return "planned"  # "the ministry confirmed that the agreement had been signed"
    confirmed = first_party or any(
        CONFIRMED.search(x) and not HEDGE.search(x) for x in [*body, *context]
    )
    if confirmed:
        if PARTLY.search(around) or PARTLY.search(text):
            return "partly_confirmed"
        return "confirmed"
    if denied and (not claimed or headline_denial) and DENIED_HEADLINE.search(headline):
        return "denied"
    if SIGNED_DEAL.search(text) and not delivered_now(text):
        return "planned"  # a deal signed and nothing yet delivered
    return "alleged"


# Goods have changed hands, whatever remains to come.
DELIVERED_NOW = re.compile(
    r"\b(?:t(?:ook|aken) delivery|(?:has|have|had) (?:now |already |so far )?received|"
    r"(?:has|have|had) (?:now |already )?(?:taken|accepted) delivery|completed (?:the )?delivery|"
    r"(?:was|were) handed over|(?:has|have|had) (?:been )?handed over|arrived (?:on|in|at|last)|"
    r"(?:was|were|had been|has been|have been) (?:delivered|shipped|received|transferred)|"
    r"(?:has|have|had) (?:now )?delivered)\b"
)
# "Belarus shipped the rifles to Sudan in 2021": the simple past, unless the sentence speaks of
# what is to come ("would be built ... and delivered to the army from 2027")
SHIPPED = re.compile(
    r"\b(?<!be )(?:delivered|shipped|handed over|transferred) (?:[\w-]+ ){0,8}?(?:to|in (?:19|20)\d\d)\b"
)
FUTURE = re.compile(
    r"\b(?:will|would|shall|to be|due to|expected to|set to|scheduled to)\b|"
    r"\bfrom (?:19|20)\d\d\b(?! (?:to|until|and) )"  # "delivered to the army from 2027"
)


def delivered_now(text: str) -> bool:
    return DELIVERED_NOW.search(text) is not None or (
        SHIPPED.search(text) is not None and FUTURE.search(text) is None
    )


SIGNED_DEAL = re.compile(
    r"\b(?:signed|inked|concluded|clinched|struck|sealed|awarded) (?:a|an|the) (?:[\w$.,-]+ ){0,4}?"
    r"(?:deal|contract|agreement|order)\b(?! (?:signed|concluded) in)|"
    r"\b(?:placed|confirmed) (?:an|the) order\b|\bexercised (?:an|the) option\b|"
    r"\b(?:deal|contract|agreement)\b[^.]{0,40}?\b(?:had been|has been|was|were) (?:signed|inked|"
    r"concluded|awarded)\b"
)


PAST_DELIVERY = re.compile(
    r"\b(?:had|has|have) (?:\w+ )?(?:delivered|received|shipped|exported|supplied|handed over|donated|"
    r"completed|taken delivery|sold|arrived)|\btook delivery|\bwas handed over|\bwere handed over|"
    r"\barrived (?:at|in|on)\b|\bcan confirm\b"
)
# "France handed over six howitzers to Armenia, the French ministry said": the supplier's own
# voice in the simple past (the recipient's "X shipped weapons to the rebels" accuses)
SUPPLIER_PAST_DELIVERY = re.compile(
    r"\b(?:handed over|delivered|shipped|donated|transferred|completed the (?:transfer|delivery))"
    r"(?= (?:[\w.-]+ ){0,12}?(?:to|of)\b)"
)
