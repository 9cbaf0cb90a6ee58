"""How the rule-based shopping assistant reads a conversation: the dialogue frame it left on its own last
answer, what the tools showed (products, the cart, orders), and what a short message refers to ("the second
one", "the Sprintara one", "isko", "no, size 10", "make it 2 pairs", "3k tak").

The frame is the assistant's memory of the dialogue between turns (the slots of the current search, the
question it asked, the call waiting on an answer). It travels in the `response_metadata` of the assistant's
messages, so it is checkpointed with the thread and read back on the next turn; everything else is read from
the messages themselves."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from pydantic import BaseModel, Field

from agents.rules.budget import extract_price_bounds, normalise
from agents.rules.chat import STOCK_QUESTION, wants_products
from agents.rules.chat_replies import Lang
from agents.rules.intent import extract_size, lexicon_key, near_product_key, parse_shopping_intent
from agents.rules.lexicon import (
    BROAD_PRODUCTS,
    COLOURS,
    GENDERS,
    MULTIPLIERS,
    NUMBER_WORDS,
    PRODUCTS,
    STOPWORDS,
)
from agents.schemas import ShoppingIntent
from knowledge.sizing.charts import curated_library

DIALOGUE_KEY = "pakka_dialogue"
GENERIC_WORDS = frozenset(
    word for phrase in (*COLOURS, *GENDERS, *PRODUCTS, *STOPWORDS) for word in phrase.split()
)
"""Words that describe products rather than name one: a colour, a gender, a product type."""
LISTS = ("search_products", "recommend_for_me")


class Frame(BaseModel):
    """The dialogue state the assistant carries from one turn to the next."""

    lang: Lang = "en"
    category: str | None = None
    product: str | None = Field(default=None, description="The product noun searched for: 'running shoes'.")
    query: str | None = None
    brand: str | None = None
    colour: str | None = None
    gender: str | None = None
    size: str | None = None
    budget_max: int | None = None
    budget_min: int | None = None
    asked: str | None = Field(default=None, description="The question the last answer asked.")
    asked_slots: list[str] = Field(default_factory=list, description="Slots already asked for this search.")
    skipped: list[str] = Field(default_factory=list, description="Slots the shopper chose not to give.")
    pending: dict[str, Any] | None = Field(default=None, description="A call waiting on the answer.")
    goal: str | None = None
    then: list[dict[str, Any]] = Field(default_factory=list, description="Calls to make after this one.")
    focus: str | None = Field(default=None, description="The product id the shopper last singled out.")

    def topic(self) -> dict[str, Any]:
        return self.model_dump(
            include={
                "category",
                "product",
                "query",
                "brand",
                "colour",
                "gender",
                "size",
                "budget_max",
                "budget_min",
            }
        )


def frame_of(messages: Sequence[BaseMessage]) -> Frame:
    for message in reversed(messages):
        if isinstance(message, AIMessage):
            saved = message.response_metadata.get(DIALOGUE_KEY)
            if isinstance(saved, dict):
                try:
                    return Frame.model_validate(saved)
                except ValueError:
                    return Frame()
    return Frame()


@dataclass
class Result:
    """A tool's answer with the call that asked for it."""

    name: str
    ok: bool
    data: Any
    text: str
    args: dict[str, Any] = field(default_factory=dict)


def results(messages: Sequence[BaseMessage]) -> list[Result]:
    calls: dict[str, dict[str, Any]] = {}
    found: list[Result] = []
    for message in messages:
        if isinstance(message, AIMessage):
            for call in message.tool_calls:
                calls[str(call["id"])] = dict(call["args"])
        elif isinstance(message, ToolMessage):
            try:
                data = json.loads(message.text)
            except ValueError:
                data = None
            found.append(
                Result(
                    name=message.name or "",
                    ok=message.status != "error",
                    data=data,
                    text=message.text,
                    args=calls.get(message.tool_call_id, {}),
                )
            )
    return found


def since_last_human(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    for index in range(len(messages) - 1, -1, -1):
        if isinstance(messages[index], HumanMessage):
            return list(messages[index + 1 :])
    return list(messages)


def product_rows(result: Result) -> list[dict[str, Any]]:
    """The products a list result showed, each as {product_id, name, brand, price_inr, sizes?, size?}: of a
    search, only those of the kind and gender it asked for when any are (`asked_for`)."""
    if not result.ok or not isinstance(result.data, dict):
        return []
    rows = result.data.get("products") or result.data.get("recommendations") or []
    products = [_product(row) for row in rows if isinstance(row, dict)]
    if result.name == "search_products":
        return asked_for(products, str(result.args.get("query") or ""))
    return products


def asked_for(rows: list[dict[str, Any]], query: str) -> list[dict[str, Any]]:
    """The searched rows a shopper asked for: a search ranks near misses after the matches ("loafers" also
    finds ballet flats of the same brand, "men jeans" women's jeans, "black jeans" grey ones), and those are
    not shown while some row is the kind, gender and colour asked for. A broad word ("shoes") keeps every
    kind; when nothing matches, every row is kept and the reply says they are only the closest."""
    if not query:
        return rows
    intent = parse_shopping_intent(query)
    other = {"men": "women", "women": "men"}.get(intent.gender or "")
    noun = product_noun(query)
    kept = rows
    if other:
        kept = [row for row in kept if other not in singular_words(str(row.get("name") or ""))] or kept
    if noun and noun not in BROAD_PRODUCTS:
        kept = [row for row in kept if not _names_another(row, noun, _kind_in)] or kept
    if intent.colour:
        colour = intent.colour
        kept = [row for row in kept if not _names_another(row, colour, _colour_in)] or kept
    return kept


def _names_another(row: dict[str, Any], wanted: str, named: Callable[[str], str | None]) -> bool:
    """The row's name names another product kind or colour than the one wanted ("Ballet Flats" for
    "loafers"); a name that names none ("Kadam Basic Runner") is not another."""
    name = _name(row)
    if set(singular_words(wanted)) <= set(singular_words(name)):
        return False
    return named(name) is not None


def _kind_in(name: str) -> str | None:
    return product_noun(name, typos=False)  # a product's name is spelt right; its odd words are names


def _colour_in(text: str) -> str | None:
    return parse_shopping_intent(text).colour


def _name(row: dict[str, Any]) -> str:
    return f"{row.get('brand') or ''} {row.get('name') or ''}"


def singular_words(text: str) -> list[str]:
    """Singular lower-case words in British spelling ("Moisturizers" -> "moisturiser"), to compare names."""
    british = re.sub(r"iz(e|er|ing)(?=s?\b)", r"is\1", text.lower().replace("gray", "grey"))
    return [word.removesuffix("s") for word in re.findall(r"[a-z0-9]+", british)]


def _product(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "product_id": str(row.get("product_id") or row.get("id") or "")}


def shown(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    """The most recent list of products shown to the shopper (a search, or recommendations)."""
    for result in reversed(results(messages)):
        if result.name in LISTS and result.ok:
            rows = product_rows(result)
            if rows:
                return rows
    return []


def known_product(messages: Sequence[BaseMessage], product_id: str) -> dict[str, Any] | None:
    """What the conversation knows about a product (name, brand, price, sizes), newest first."""
    known: dict[str, Any] = {}
    for result in reversed(results(messages)):
        if not result.ok or not isinstance(result.data, dict):
            continue
        candidates = [*product_rows(result)] if result.name in LISTS else []
        if result.name in ("get_product", "check_inventory"):
            candidates.append(_product(result.data))
        if result.name in ("add_to_cart", "remove_from_cart", "view_cart"):
            candidates += [
                _product(item) for item in result.data.get("items") or [] if isinstance(item, dict)
            ]
        for row in candidates:
            if row["product_id"] == product_id:
                known = {**row, **known}
                if "sizes" in known:
                    return known
    return known or None


def cart_lines(messages: Sequence[BaseMessage]) -> list[dict[str, Any]] | None:
    """The cart as the last cart result showed it (None when no cart was shown yet)."""
    for result in reversed(results(messages)):
        if result.name in ("add_to_cart", "remove_from_cart", "view_cart") and result.ok:
            data = result.data if isinstance(result.data, dict) else {}
            return [item for item in data.get("items") or [] if isinstance(item, dict)]
        if result.name == "place_order" and result.ok:
            return None
    return None


def order_ids(messages: Sequence[BaseMessage]) -> list[str]:
    """Order ids the tools showed, most recent first."""
    ids: list[str] = []
    for result in reversed(results(messages)):
        data = result.data if isinstance(result.data, dict) else {}
        if result.ok and data.get("order_id"):
            ids.append(str(data["order_id"]))
        for row in data.get("orders") or []:
            if isinstance(row, dict) and row.get("order_id"):
                ids.append(str(row["order_id"]))
    return list(dict.fromkeys(ids))


def last_added(messages: Sequence[BaseMessage]) -> Result | None:
    """The last successful add_to_cart, if nothing in the cart changed since."""
    for result in reversed(results(messages)):
        if result.name == "add_to_cart" and result.ok:
            return result
        if result.name in ("remove_from_cart", "place_order") and result.ok:
            return None
    return None


def last_tool(messages: Sequence[BaseMessage]) -> Result | None:
    found = results(messages)
    return found[-1] if found else None


# -- reading one message -----------------------------------------------------------------------------------

ATTACHED = re.compile(r"\[attached: an? (\w+) photo\]")
_ORDINALS: dict[str, int] = {
    "first": 0,
    "1st": 0,
    "pehla": 0,
    "pehli": 0,
    "pehle": 0,
    "pahla": 0,
    "पहला": 0,
    "पहली": 0,
    "पहले": 0,
    "second": 1,
    "2nd": 1,
    "doosra": 1,
    "dusra": 1,
    "doosri": 1,
    "dusri": 1,
    "doosre": 1,
    "dusre": 1,
    "दूसरा": 1,
    "दूसरी": 1,
    "दूसरे": 1,
    "third": 2,
    "3rd": 2,
    "teesra": 2,
    "tisra": 2,
    "teesri": 2,
    "teesre": 2,
    "तीसरा": 2,
    "तीसरी": 2,
    "तीसरे": 2,
    "fourth": 3,
    "4th": 3,
    "chautha": 3,
    "chauthi": 3,
    "fifth": 4,
    "5th": 4,
    "last": -1,
    "aakhri": -1,
    "akhri": -1,
    "आखिरी": -1,
}
ORDINALS = frozenset(_ORDINALS)
_NUMBERED = re.compile(r"(?:\bnumber|\bno\.?|#|\boption|\bitem)\s*(\d)\b", re.IGNORECASE)
_PRONOUN = re.compile(
    r"\b(?:it|this|that|this one|that one|isko|isse|ise|iska|iski|iske|yeh|ye|yahi|woh|wo|wahi|usko|use|uska|"
    r"uski|same)\b|इसे|इसको|इसका|इसकी|यह|ये|वो|वह|उसे|उसको",
    re.IGNORECASE,
)
_QUANTITY = re.compile(
    r"\b(\d{1,2})\s*(?:pairs?|pcs|pieces?|units?|nos|items?|jode|joda|jodi|jodiyan|piece|qty|x)\b|"
    r"\bmake it (\d{1,2})\b|\b(\d{1,2}) (?:kar do|kardo|kar dijiye)\b|\bqty\s*:?\s*(\d{1,2})\b|"
    r"\b(\d{1,2})\s*(?:जोड़े|जोड़ी|पीस)|\b(\d{1,2}) of (?:these|those|them|it|this|that|the)\b",
    re.IGNORECASE,
)
_WORD_QUANTITY = re.compile(
    r"\b(one|two|three|four|five|ek|do|teen|char|chaar|paanch)\s+(?:pairs?|pieces?|jode|joda|jodi|pcs)\b|"
    r"\bmake it (one|two|three|four|five)\b|(एक|दो|तीन|चार|पांच|पाँच)\s*(?:जोड़े|जोड़ी|पीस)",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"^\D{0,12}?(\d{1,2}(?:\.5)?)\D{0,20}$")
_BARE_BUDGET = re.compile(
    r"\D{0,20}?(\d+(?:\.\d+)?)\s*(k|thousand|hazaar|hazar|hajar|हज़ार|हजार|lakh)?\b\D{0,20}", re.IGNORECASE
)
MIN_BUDGET = 50
_LETTER = re.compile(r"^(?:size\s*)?(xxs|xs|s|m|l|xl|xxl|xxxl|small|medium|large)\b", re.IGNORECASE)
_LETTER_SIZES = {"small": "S", "medium": "M", "large": "L"}
_SKIP = re.compile(
    r"\b(?:any|anything|no budget|no limit|skip|doesn'?t matter|does not matter|whatever|koi bhi|kuch bhi|"
    r"chalega|no preference|not sure|pata nahi|koi limit nahi)\b|कोई भी|कुछ भी",
    re.IGNORECASE,
)
_YES = re.compile(
    r"^\s*(?:yes|yeah|yep|sure|ok|okay|haan|han|ha|ji|jee|theek hai|thik hai|bilkul|हाँ|हां|जी)\b", re.I
)
_NO = re.compile(r"^\s*(?:no|nope|nahi|nahin|na|mat|नहीं|ना)\b", re.IGNORECASE)
_CORRECTION = re.compile(
    r"^\s*(?:no|nope|nahi|nahin|not|actually|wait|sorry|oops|instead|change|make it|rather|नहीं)\b|"
    r"\b(?:instead|kar do|kardo|change (?:it|the size)|badal do|badlo)\b",
    re.IGNORECASE,
)
_REMEMBER = re.compile(
    r"\b(?:remember|save my|note (?:down )?my|keep in mind|yaad rakh\w*|yaad rakhna|yaad kar lo)\b|याद रख",
    re.IGNORECASE,
)
_RECALL = re.compile(
    r"\bwhat (?:do you|did you) remember\b|\bwhat do you know about me\b|\bmy (?:saved|remembered) "
    r"(?:size|details|preferences)\b|kya yaad hai|क्या याद है",
    re.IGNORECASE,
)
_CHEAPER = re.compile(
    r"\b(?:cheaper|less expensive|lower priced?|sasta|saste|sasti|kam daam|kam price)\b|सस्त", re.I
)
_CHEAPEST = re.compile(
    r"\b(?:cheapest|lowest priced?|least expensive|sabse sast[aei]|sabse kam)\b|सबसे सस्त", re.I
)
_SHOPPING = re.compile(
    r"\b(?:show|find|search|looking for|look for|want|need|buy|get me|suggest|would like|interested in|"
    r"acquir\w*|purchase|dikhao|dikha|chahiye|chahie|"
    r"dhoondh|dhundh|khareed|kharid|lena|mangwa|wale|wali|wala)\b|दिखा|चाहिए|ढूँढ|खरीद",
    re.IGNORECASE,
)
_KNOWLEDGE = re.compile(
    r"\b(?:niacinamide|salicylic|retinol|hyaluronic|vitamin c|ceramide|glycolic|benzoyl|aha|bha|spf|"
    r"sunscreen|fragrance|alcohol|coconut oil|paraben|sulphate|sulfate|comedogenic|ingredient|size chart|"
    r"how (?:do|to|should|does)|half size|size up|size down|measure|return|exchange|wide feet|flat feet|"
    r"oily skin|dry skin|sensitive skin|combination skin|acne|monsoon|humid)\b|तेलीय|रूखी",
    re.IGNORECASE,
)
_QUESTION = re.compile(
    r"\?|^\s*(?:is|are|can|does|do|should|what|why|how|which|kya|kaise|kyun|kaun|kitna|will|would)\b|"
    r"\b(?:kya|kaise|kyun)\b|क्या|कैसे|क्यों",
    re.IGNORECASE,
)
_SIZE_QUESTION = re.compile(
    r"\b(?:what size|which size|my size|kaunsa size|konsa size|kaun sa size|size kya|fit me|fits me|"
    r"will fit|suit me|suits me|for me|mere liye|mujhe kaunsa|recommend|suggest (?:me|a size|size))\b|"
    r"कौन सा साइज़|मेरे लिए|सुझा",
    re.IGNORECASE,
)


_ID_LIKE = re.compile(r"\b((?:prd|prod|sku)[-_][A-Za-z0-9]+|[A-Za-z]{1,5}[-_]\d{1,6})\b")


def product_id_in(text: str) -> str | None:
    """A catalog id written in the message ("fw-001", "prd_42")."""
    match = _ID_LIKE.search(text)
    return match.group(1) if match else None


def attachment_kind(text: str) -> str | None:
    match = ATTACHED.search(text)
    return match.group(1) if match else None


def without_attachment(text: str) -> str:
    return ATTACHED.sub("", text).strip()


def ordinal(text: str) -> int | None:
    """The first position a message names (`_positions`), if any."""
    positions = _positions(text)
    return positions[0] if positions else None


_COMPARE = re.compile(
    r"\b(?:compare|comparison|difference|differ|fark|farak|antar|versus|vs)\b|तुलना|फ़र्क|फर्क|अंतर", re.IGNORECASE
)
_HIGHER_PRICED = re.compile(
    r"\b(?:costlier|costliest|pricier|priciest|more expensive|most expensive|mehnga|mehngi|mehenga|mehange)\b"
    r"|महँग|महंग",
    re.IGNORECASE,
)
# "the cheaper one", "which one is cheaper", "dono mein se sasta wala": a pick among the products shown, not a
# new search for cheaper ones.
_AMONG_SHOWN = re.compile(
    r"\b(?:one|ones|wala|wali|wale|which|kaunsa|konsa|kaun sa|of the (?:two|three|these|those)|dono|teeno)\b"
    r"|वाला|वाली|कौन सा|दोनों",
    re.IGNORECASE,
)
# "is there a cheaper one?", "koi aur sasta wala": asking for other products, not picking a shown one.
_OTHER_THAN_SHOWN = re.compile(
    r"\b(?:is there|are there|any|anything|koi|other|others|another|else|aur)\b|कोई|और|दूसरा",
    re.IGNORECASE,
)
# A comparison about the products shown points at them ("compare these", "the first two", "dono mein"); one
# that names its own things ("nike vs adidas", "UK and US sizes") is a search or a question for the guides.
_POINTS_AT_SHOWN = re.compile(
    r"\b(?:these|those|them|both|the two|the three|dono|donon|teeno|inmein|in mein|inme|shown|above)\b"
    r"|इन|दोनों|तीनों",
    re.IGNORECASE,
)
_NO_DIFFERENCE = re.compile(r"\b(?:fark|farak) (?:nahi|nahin|nhi)|\bno difference\b", re.IGNORECASE)
_FIRST_FEW = re.compile(r"\b(?:first|top|pehle|pehli)\s+(two|three|2|3|do|teen)\b", re.IGNORECASE)
_FEW = {"two": 2, "2": 2, "do": 2, "three": 3, "3": 3, "teen": 3}


def asks_to_compare(text: str) -> bool:
    """A comparison of the products shown: a comparing word, and the message points at them (or at two of
    them by position)."""
    if _COMPARE.search(text) is None or _NO_DIFFERENCE.search(text) is not None:
        return False
    points = _POINTS_AT_SHOWN.search(text) or _FIRST_FEW.search(text)
    return points is not None or len(_positions(text)) >= 2


def price_pick(text: str) -> str | None:
    """ "low" or "high" where the message picks the lower- or higher-priced of the products shown."""
    if _AMONG_SHOWN.search(text) is None or _OTHER_THAN_SHOWN.search(text) is not None:
        return None
    if wants_cheaper(text) or wants_cheapest(text):
        return "low"
    if _HIGHER_PRICED.search(text):
        return "high"
    return None


def picked_by_price(rows: Sequence[dict[str, Any]], pick: str) -> dict[str, Any] | None:
    priced = [row for row in rows if isinstance(row.get("price_inr"), int | float)]
    if len(priced) < 2:
        return None
    return (min if pick == "low" else max)(priced, key=lambda row: float(row["price_inr"]))


def compared(text: str, rows: Sequence[dict[str, Any]], default: int = 2) -> list[dict[str, Any]]:
    """The shown products a comparison is about: the ones it names by position ("the second and the last",
    "pehla aur teesra", "number 1 and number 3"), the first few ("the first two"), else the first
    `default`."""
    few = _FIRST_FEW.search(text)
    if few:
        return list(rows[: _FEW[few.group(1).lower()]])
    places = [position % len(rows) for position in _positions(text) if -len(rows) <= position < len(rows)]
    chosen = [rows[place] for place in dict.fromkeys(places)]
    return chosen if len(chosen) >= 2 else list(rows[:default])


def _positions(text: str) -> list[int]:
    """Every position a message names: ordinal words, and "number 2", "option 3" (not bare numbers, which
    are sizes and quantities as often)."""
    words = [word.strip(".,;:!?()'\"-") for word in normalise(text).split()]
    found = [_ORDINALS[word] for word in words if word in _ORDINALS]
    return found + [int(number) - 1 for number in _NUMBERED.findall(text)]


def refers_to_it(text: str) -> bool:
    return _PRONOUN.search(text) is not None


def quantity_in(text: str) -> int | None:
    clean = normalise(text)
    match = _QUANTITY.search(clean)
    if match:
        return int(next(group for group in match.groups() if group))
    worded = _WORD_QUANTITY.search(clean)
    if worded:
        word = next(group for group in worded.groups() if group)
        return int(NUMBER_WORDS[word.lower()])
    return None


def size_answer(text: str) -> str | None:
    """A size in a message that answers "what size?": "9", "UK 9", "9 number", "M", "medium"."""
    said = extract_size(text)
    if said:
        return said
    clean = normalise(text).strip()
    letter = _LETTER.match(clean)
    if letter:
        value = letter.group(1).lower()
        return _LETTER_SIZES.get(value, value.upper())
    bare = _BARE_NUMBER.match(clean)
    if bare and extract_price_bounds(text) is None:
        return bare.group(1)
    return None


def budget_answer(text: str) -> tuple[int | None, int | None] | None:
    """(min, max) rupees in a message that answers "your budget?": "3k tak", "3000", "2000-3000"."""
    bounds = extract_price_bounds(text)
    if bounds is not None and bounds.currency == "INR" and (bounds.low or bounds.high):
        low = round(bounds.low) if bounds.low is not None else None
        high = round(bounds.high) if bounds.high is not None else None
        return low, high
    bare = _BARE_BUDGET.fullmatch(normalise(text).strip())
    if bare:
        amount = float(bare.group(1)) * MULTIPLIERS.get((bare.group(2) or "").lower(), 1)
        if amount >= MIN_BUDGET:
            return None, round(amount)
    return None


def skips(text: str) -> bool:
    return _SKIP.search(text) is not None


def is_yes(text: str) -> bool:
    return _YES.match(text) is not None


def is_no(text: str) -> bool:
    return _NO.match(text) is not None


def is_correction(text: str) -> bool:
    return _CORRECTION.search(text) is not None


def asks_to_remember(text: str) -> bool:
    return _REMEMBER.search(text) is not None


def asks_to_recall(text: str) -> bool:
    return _RECALL.search(text) is not None


def wants_cheaper(text: str) -> bool:
    return _CHEAPER.search(text) is not None


def wants_cheapest(text: str) -> bool:
    """ "the cheapest flip flops": the lowest prices are the budget, so none is asked for."""
    return _CHEAPEST.search(text) is not None


def sounds_like_shopping(text: str) -> bool:
    return _SHOPPING.search(text) is not None or STOCK_QUESTION.search(text) is not None


def is_knowledge_question(text: str, intent: ShoppingIntent) -> bool:
    """An advice question ("is niacinamide good for acne?"), not one about what the shop has nor an ask for a
    product ("need a serum for oily skin under 800?")."""
    return (
        _KNOWLEDGE.search(text) is not None
        and _QUESTION.search(text) is not None
        and STOCK_QUESTION.search(text) is None
        and not wants_products(normalise(text), intent)
    )


def asks_for_size(text: str) -> bool:
    return _SIZE_QUESTION.search(text) is not None


def product_noun(text: str, typos: bool = True) -> str | None:
    """The catalog word for the product the message names ("running shoes", "kurta"), longest match; with
    `typos`, a misspelt one ("snekers") when none is written right."""
    words = re.findall(r"[^\s,;:!?()\[\]{}\"/|.]+", normalise(text))
    best: tuple[int, str] | None = None
    for index in range(len(words)):
        for length in (3, 2, 1):
            phrase = " ".join(words[index : index + length])
            key = lexicon_key(phrase, PRODUCTS) if index + length <= len(words) else None
            if key is not None:
                noun = PRODUCTS[key][1] or PRODUCTS[key][0]
                if best is None or length > best[0]:
                    best = (length, noun)
                break
    if best is None and typos:
        slip = next((key for word in words if (key := near_product_key(word))), None)  # "snekers"
        return (PRODUCTS[slip][1] or PRODUCTS[slip][0]) if slip else None
    return best[1] if best else None


def named_product(text: str, rows: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """A shown product the message names by brand or by a word of its name that no other shown product
    has ("the Sprintara one", "Aero wala")."""
    lowered = normalise(text)
    words = set(re.findall(r"[a-z0-9&'-]+", lowered))
    by_brand = [row for row in rows if row.get("brand") and str(row["brand"]).lower() in lowered]
    if not by_brand:
        by_brand = [row for row in rows if _brand_word(row) in words]
    if len(by_brand) >= 1:
        return by_brand[0]
    common = {"men's", "women's", "-", "the", "and", "with", "for", "set", "of"} | GENERIC_WORDS
    for row in rows:
        name_words = set(re.findall(r"[a-z0-9&'-]+", str(row.get("name", "")).lower())) - common
        others = set().union(
            *(
                set(re.findall(r"[a-z0-9&'-]+", str(other.get("name", "")).lower()))
                for other in rows
                if other is not row
            )
        )
        distinctive = {word for word in name_words - others if len(word) > 3}
        if distinctive & words:
            return row
    return None


def named_kind(text: str, rows: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The one row of the kind of product the message names ("remove the jeans" when one cart line is
    jeans)."""
    noun = product_noun(text)
    if noun is None:
        return None
    wanted = set(singular_words(noun))
    matches = [row for row in rows if wanted <= set(singular_words(str(row.get("name") or "")))]
    return matches[0] if len(matches) == 1 else None


def _brand_word(row: dict[str, Any]) -> str | None:
    """The first word of a product's brand when it names it alone ("Kadam" for Kadam Footworks)."""
    first = str(row.get("brand") or "").lower().split(" ")[0]
    return first if len(first) > 3 and first not in GENERIC_WORDS else None


def match_size(said: str, offered: Sequence[str]) -> str | None:
    """The offered size the shopper means: "9" is "UK 9", "medium" is "M"."""
    wanted = _size_key(said)
    return next((size for size in offered if _size_key(size) == wanted), None)


def _size_key(size: str) -> str:
    key = re.sub(r"\s+", "", size.lower())
    key = re.sub(r"^(?:uk|size|india|in)", "", key)
    return {"small": "s", "medium": "m", "large": "l"}.get(key, key)


# Shirts, kurtas and other tops are sized by chest in inches in Indian shops ("shirt size 40"); the catalog
# writes letter sizes. Bottoms keep their numbers (waist sizes).
TOPS = frozenset(
    """
    shirt t-shirt kurta kurti hoodie jacket blazer sweater sweatshirt pullover cardigan top sherwani kameez
    """.split()  # noqa: SIM905 (a word list reads better as text)
) | {"kurta set", "nehru jacket"}
CHEST_SIZES = {"36": "S", "38": "M", "40": "L", "42": "XL", "44": "XXL", "46": "XXXL"}


def catalog_size(
    size: str, category: str | None, product: str | None = None, gender: str | None = None
) -> str:
    """A size as the catalog writes it for a search filter: footwear sizes are UK sizes ("UK 9"; "EU 42" and
    "US 9" converted on the standard chart, US in women's sizes when the shopper shops for women), a top's
    chest size a letter size ("shirt, size 40" -> "L")."""
    if category == "footwear" and re.fullmatch(r"\d{1,2}(?:\.5)?", size):
        return f"UK {size}"
    if category == "footwear" and (converted := uk_size(size, gender)):
        return converted
    if category == "apparel" and product and {product, product.split()[-1]} & TOPS and size in CHEST_SIZES:
        return CHEST_SIZES[size]
    return size


def uk_size(size: str, gender: str | None = None) -> str | None:
    """ "EU 42" -> "UK 8", "US 9" -> "UK 8" (men's; "UK 7" for women): the standard chart's row nearest the
    size, the smaller on a tie (EU 41 lies between UK 7 and UK 7.5)."""
    match = re.fullmatch(r"(EU|US) (\d{1,2}(?:\.5)?)", size)
    chart = curated_library().standard_footwear
    if match is None or chart is None:
        return None
    system, value = match.group(1), float(match.group(2))

    def scale(row: Any) -> float:
        if system == "EU":
            return float(row.eu)
        return float(row.us_women if gender in ("women", "girls") else row.us_men)

    row = min(chart.rows, key=lambda row: (abs(scale(row) - value), row.uk))
    return f"UK {row.uk:g}" if abs(scale(row) - value) <= 1 else None


def size_range(sizes: Sequence[str]) -> str:
    if not sizes:
        return ""
    if len(sizes) <= 4:
        return ", ".join(sizes)
    return f"{sizes[0]} to {sizes[-1]}"


def human_turns(messages: Sequence[BaseMessage]) -> list[str]:
    return [message.text for message in messages if isinstance(message, HumanMessage)]
