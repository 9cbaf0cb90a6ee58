"""The rule-based tier as a shopping assistant that holds a conversation (the chat graph, graphs/chat.py).

It runs when the conversation carries the chat's facts block (prompts/chat.py) and answers with one tool call
or one reply per model call, like any tool-calling model:

- slot filling across turns: "running shoes" -> "what size?" -> "9" -> "and your budget?" -> "3k tak" ->
  search_products (each slot asked once per search; remembered sizes and budgets fill in; "koi bhi" skips);
- references to what was shown: "the second one", "the Sprintara one", "that", "isko cart mein daal do";
- corrections: "no, size 10" (swaps the cart line, or searches again), "make it 2 pairs";
- cart, checkout (place_order: the graph asks the shopper to confirm), order status, cancellation;
- "what size should I buy?" -> recommend_for_me (a photo is asked for when no scan is stored);
- photos ("[attached: a foot photo]") -> scan_photo, then recommend_for_me when sizes were asked for;
- knowledge questions -> ask_knowledge, answered with the cited source ids;
- remember / recall preferences; greetings; a polite redirect for anything off-topic.

Replies quote only tool results (names, prices, sizes, stock, order ids) and what the shopper said; they are
written in the shopper's language (English, Hindi or Hinglish, agents/rules/chat_replies.py). Tool results are
only ever read as data: nothing in a product description or a guide can make this tier call a tool."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, ToolCall

from agents.pricing.money import rupees
from agents.rules.chat import about_returns, understand_turn
from agents.rules.chat_replies import Lang, ask_scan, detect_lang, say
from agents.rules.conversation import last_human_text, pending_tool_results
from agents.rules.lexicon import PRODUCTS, STOPWORDS
from agents.rules.shop_reading import (
    DIALOGUE_KEY,
    ORDINALS,
    Frame,
    Result,
    asks_for_size,
    asks_to_compare,
    asks_to_recall,
    asks_to_remember,
    attachment_kind,
    budget_answer,
    cart_lines,
    catalog_size,
    compared,
    frame_of,
    is_correction,
    is_knowledge_question,
    is_no,
    is_yes,
    known_product,
    last_added,
    match_size,
    named_kind,
    named_product,
    order_ids,
    ordinal,
    picked_by_price,
    price_pick,
    product_id_in,
    product_noun,
    product_rows,
    quantity_in,
    refers_to_it,
    results,
    shown,
    singular_words,
    size_answer,
    size_range,
    skips,
    sounds_like_shopping,
    wants_cheaper,
    wants_cheapest,
    without_attachment,
)
from agents.schemas import ChatAction, ChatTurn
from core.catalog.region_text import region_in_text
from core.catalog.regions import find_region
from prompts.chat import ChatFacts

SIZED = ("footwear", "apparel")
RECOMMENDABLE = ("footwear", "apparel", "skincare")
SCAN_CATEGORY = {"foot": "footwear", "face": "skincare", "body": "apparel"}
CATEGORY_SCAN = {category: kind for kind, category in SCAN_CATEGORY.items()}
LISTED = 5
MAX_RESTATED_WORDS = 3
MAX_GOODBYE_WORDS = 4
FILLER = frozenset(
    """
    ones one make pairs pair cheapest cheaper cheap sasta saste sasti more options other others dikhao dikha
    show wale wala wali waale waali kuch aur bhi please also instead change same similar like them
    those these ok okay haan yes no nahi not actually fine matter matters doesn't doesnt chalega theek thik
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
DELIVERY_WORDS = re.compile(
    r"\b(?:deliver|delivery|ship|send|address|pin ?code|pincode|bhej|bhejna|bhejo|pahuncha)\w*|भेज|डिलीवरी",
    re.IGNORECASE,
)
POINTING = re.compile(r"\b(?:one|wala|wali|wale|waala|waali)\b|वाला|वाली", re.IGNORECASE)
ORDER_WORDS = re.compile(r"\border|ऑर्डर|रद्द", re.IGNORECASE)
REMOVE_WORDS = re.compile(
    r"^\s*(?:(?:please|pls|plz|actually|ok|okay|no|nah|wait|sorry|oh|hmm|and|also|hey|bhai|arre|acha|accha)"
    r"[\s,.!]+)*(?:remove|delete|take out|drop)\b|"
    r"\b(?:remove|delete|take out|drop)\s+(?:it|that|this|them|those|these|the \w+ one)\b|"
    r"\b(?:hata do|hatao|hata dijiye|nikal do|nikalo)\b|हटा",
    re.I,
)
BUY_WORDS = re.compile(r"\b(?:buy|purchase|order|kharid\w*|le lo|le lunga|mangwa\w*)\b|ख़रीद|खरीद|मंगवा", re.I)
LIMITS = ("max_price_inr", "min_price_inr", "size")
CLOSED_ORDERS = ("CANCELLED", "DELIVERED", "FAILED", "SHIPPED")
PAYMENT = {"cod": "cash on delivery", "upi": "UPI", "card": "card"}
PAYMENT_HI = {"cod": "कैश ऑन डिलीवरी", "upi": "UPI", "card": "कार्ड"}


def shopping_answer(
    messages: Sequence[BaseMessage], tool_names: Sequence[str], facts: ChatFacts
) -> AIMessage:
    """The next step of the conversation: one tool call, or a reply to the shopper."""
    chat = Conversation(list(messages), frozenset(tool_names), facts)
    if pending_tool_results(messages):
        return chat.after_results()
    return chat.on_message()


class Conversation:
    def __init__(self, messages: list[BaseMessage], tools: frozenset[str], facts: ChatFacts) -> None:
        self.messages = messages
        self.tools = tools
        self.facts = facts
        self.frame = frame_of(messages)

    # -- answers -------------------------------------------------------------------------------------------

    def call(self, name: str, args: Mapping[str, Any], frame: Frame) -> AIMessage:
        if name not in self.tools:
            return self.reply(say("failed", frame.lang, reason=f"{name} is not available here."), frame)
        clean = {key: value for key, value in args.items() if value is not None and value != ""}
        call = ToolCall(name=name, args=clean, id=f"call_{uuid.uuid4().hex[:24]}", type="tool_call")
        return AIMessage(
            content="", tool_calls=[call], response_metadata={DIALOGUE_KEY: frame.model_dump(mode="json")}
        )

    @staticmethod
    def reply(text: str, frame: Frame) -> AIMessage:
        return AIMessage(content=text, response_metadata={DIALOGUE_KEY: frame.model_dump(mode="json")})

    # -- a new message -------------------------------------------------------------------------------------

    def on_message(self) -> AIMessage:
        raw = last_human_text(self.messages)
        kind = attachment_kind(raw)
        text = without_attachment(raw)
        frame = self.frame.model_copy(deep=True)
        frame.lang = detect_lang(text, self.frame.lang) if text else self.frame.lang
        asked, pending = frame.asked, frame.pending
        frame.asked, frame.pending, frame.then = None, None, []
        turn = understand_turn(for_parsing(text)) if text else ChatTurn(action=ChatAction.SMALLTALK)
        if (
            turn.product_id is None
            and (written := product_id_in(text))
            and not written.lower().startswith("ord")
        ):
            turn = turn.model_copy(update={"product_id": written})
            if turn.action in (ChatAction.SEARCH, ChatAction.SMALLTALK, ChatAction.KNOWLEDGE):
                turn = turn.model_copy(update={"action": ChatAction.PRODUCT_DETAILS})
        if turn.action is ChatAction.CANCEL_ORDER and turn.intent.category and not ORDER_WORDS.search(text):
            turn = turn.model_copy(update={"action": ChatAction.SEARCH})  # "noise cancelling earbuds"
        if turn.action is not ChatAction.REMOVE_FROM_CART and REMOVE_WORDS.search(text):
            turn = turn.model_copy(update={"action": ChatAction.REMOVE_FROM_CART})
        if kind is not None:
            return self.scan(kind, text, turn, frame)
        frame.goal = None
        if not text:
            return self.reply(say("greet", frame.lang), frame)
        if asks_to_recall(text):
            return self.call("recall_preferences", {}, frame)
        if asks_to_remember(text):
            return self.remember(text, turn, frame)
        answered = self.answer_to(asked, pending, text, turn, frame)
        if answered is not None:
            return answered
        corrected = self.correction(text, turn, frame)
        if corrected is not None:
            return corrected
        return self.act(text, turn, frame)

    def scan(self, kind: str, text: str, turn: ChatTurn, frame: Frame) -> AIMessage:
        category = SCAN_CATEGORY.get(kind, "footwear")
        if asks_for_size(text) or turn.action is ChatAction.RECOMMEND or self.frame.goal == "recommend":
            frame.goal = "recommend"
        frame.category = frame.category if frame.category in RECOMMENDABLE else category
        if CATEGORY_SCAN.get(frame.category or "") != kind:
            frame.category = category
        args: dict[str, Any] = {"kind": kind}
        height = budget_answer(text) if kind == "body" else None
        if height and height[1] and 100 <= height[1] <= 230:
            args["height_cm"] = height[1]
        return self.call("scan_photo", args, frame)

    def remember(self, text: str, turn: ChatTurn, frame: Frame) -> AIMessage:
        intent = turn.intent
        size = intent.size or (size_answer(text) if "size" in text.lower() else None)
        category = intent.category or frame.category
        if size and category is None:
            category = "apparel" if size.isalpha() else "footwear"
        args = {
            "category": category,
            "size": catalog_size(size, category) if size else None,
            "brand": intent.brand or (named_product(text, shown(self.messages)) or {}).get("brand"),
            "budget_inr": intent.budget_max_inr,
            "region": region_in_text(text),
        }
        if not any(args[key] for key in ("size", "brand", "budget_inr", "region")):
            frame.asked = "remember"
            return self.reply(say("ask_remember", frame.lang), frame)
        if not args["size"] and not args["budget_inr"]:
            args["category"] = None
        return self.call("remember_preference", args, frame)

    def answer_to(
        self, asked: str | None, pending: dict[str, Any] | None, text: str, turn: ChatTurn, frame: Frame
    ) -> AIMessage | None:
        """The message read as the answer to the question the last reply asked, when it is one."""
        if asked == "region" and region_in_text(text):
            call = pending or {"name": "place_order", "args": {}}
            return self.call(call["name"], call.get("args") or {}, frame)
        if asked == "cart_size" and pending:
            said = size_answer(text)
            if said:
                args = dict(pending.get("args") or {})
                product = known_product(self.messages, args.get("product_id", "")) or {}
                args["size"] = match_size(said, product.get("sizes") or []) or catalog_size(
                    said, product.get("category")
                )
                args["quantity"] = quantity_in(text) or args.get("quantity")
                frame.focus = args.get("product_id")
                return self.call("add_to_cart", args, frame)
        if asked == "order_id" and pending and turn.order_id:
            return self.call(
                pending["name"], {**(pending.get("args") or {}), "order_id": turn.order_id}, frame
            )
        if (
            asked == "which"
            and pending
            and (ordinal(text) is not None or named_product(text, shown(self.messages)))
        ):
            wanted = f"{text} {pending.get('text', '')}"
            if pending["name"] == "add_to_cart":
                return self.add(wanted, turn, frame)
            if pending["name"] == "remove_from_cart":
                return self.remove(text, turn, frame)
            if pending["name"] == "place_order":
                return self.checkout(text, turn, frame)
        if asked == "remember":
            return self.remember(text, turn, frame) if region_in_text(text) or turn.intent.size else None
        if asked in ("size", "budget"):
            return self.slot_answer(asked, text, turn, frame)
        return None

    def slot_answer(self, asked: str, text: str, turn: ChatTurn, frame: Frame) -> AIMessage | None:
        intent = turn.intent
        new_noun = product_noun(text)
        if new_noun and new_noun != frame.product:
            return None  # a new search, not an answer
        answered = False
        size = intent.size or (size_answer(text) if asked == "size" else None)
        if size:
            frame.size = catalog_size(size, frame.category)
            answered = True
        budget = budget_answer(text) if asked == "budget" else None
        if intent.states_budget:
            budget = (intent.budget_min_inr, intent.budget_max_inr)
        if budget:
            frame.budget_min, frame.budget_max = budget
            answered = True
        if not answered and skips(text):
            frame.skipped.append(asked)
            answered = True
        if not answered:
            return None
        self.merge(frame, turn, text)
        return self.search(frame)

    def correction(self, text: str, turn: ChatTurn, frame: Frame) -> AIMessage | None:
        """ "no, size 10", "make it 2 pairs": changes the last cart line, else the current search."""
        if product_noun(text) or turn.product_id or ordinal(text) is not None:
            return None
        correcting = is_correction(text)
        quantity = quantity_in(text)
        size = (
            (size_answer(text) if correcting else turn.intent.size) if quantity is None else turn.intent.size
        )
        if not correcting and quantity is None:
            return None
        added = last_added(self.messages)
        if added is not None and (size or quantity):
            product_id = str(added.args.get("product_id", ""))
            old_size = str(added.args.get("size", ""))
            old_quantity = next(
                (
                    int(line.get("quantity") or 1)
                    for line in (added.data or {}).get("items") or []
                    if line.get("product_id") == product_id and line.get("size") == old_size
                ),
                int(added.args.get("quantity") or 1),
            )
            frame.focus = product_id
            if size:
                product = known_product(self.messages, product_id) or {}
                new_size = match_size(size, product.get("sizes") or []) or catalog_size(
                    size, product.get("category")
                )
                if new_size != old_size:
                    frame.then = [
                        {
                            "name": "add_to_cart",
                            "args": {
                                "product_id": product_id,
                                "size": new_size,
                                "quantity": quantity or old_quantity,
                            },
                        }
                    ]
                    return self.call("remove_from_cart", {"product_id": product_id, "size": old_size}, frame)
            if quantity and quantity != old_quantity:
                if quantity > old_quantity:
                    args = {"product_id": product_id, "size": old_size, "quantity": quantity - old_quantity}
                    return self.call("add_to_cart", args, frame)
                args = {"product_id": product_id, "size": old_size, "quantity": old_quantity - quantity}
                return self.call("remove_from_cart", args, frame)
            return None
        if frame.category and (size or turn.intent.budget_max_inr is not None):
            if size:
                frame.size = catalog_size(size, frame.category)
            self.merge(frame, turn, text)
            return self.search(frame)
        return None

    # -- what the message asks for -------------------------------------------------------------------------

    def act(self, text: str, turn: ChatTurn, frame: Frame) -> AIMessage:
        action = turn.action
        pick = price_pick(text) if _QUESTION_WORD.search(text) else None
        rows = shown(self.messages) if pick or asks_to_compare(text) else []
        if len(rows) >= 2:
            # "compare the first two", "dono mein kya fark hai?", "which one is the cheapest?": answered from
            # the products already shown (their prices and sizes are the search's result); a price question
            # weighs all of them.
            chosen = compared(text, rows, default=2 if pick is None else len(rows))
            return self.reply(_comparison(chosen, frame.lang, pick or "low"), frame)
        if action is ChatAction.CANCEL_ORDER:
            return self.cancel(text, turn, frame)
        if action is ChatAction.PLACE_ORDER or self.buys_now(text, action):
            return self.checkout(text, turn, frame)
        if action is ChatAction.ORDER_STATUS:
            return self.call("order_status", {"order_id": turn.order_id}, frame)
        if action is ChatAction.REMOVE_FROM_CART:
            return self.remove(text, turn, frame)
        if action is ChatAction.ADD_TO_CART:
            return self.add(text, turn, frame)
        if action is ChatAction.VIEW_CART:
            return self.call("view_cart", {}, frame)
        if action is ChatAction.INVENTORY:
            product = self.referenced(text, turn, frame)
            if product is not None:
                size = size_answer(text) if turn.intent.size is None else turn.intent.size
                offered = match_size(size, product.get("sizes") or []) if size else None
                return self.call(
                    "check_inventory", {"product_id": product["product_id"], "size": offered or None}, frame
                )
        if action is ChatAction.RECOMMEND or (asks_for_size(text) and not turn.intent.query):
            return self.recommend(turn, frame)
        if action is ChatAction.KNOWLEDGE or is_knowledge_question(text, turn.intent):
            category = None if about_returns(text) else turn.intent.category
            return self.call("ask_knowledge", {"question": text[:300], "category": category}, frame)
        if action is ChatAction.PRODUCT_DETAILS:
            product = self.referenced(text, turn, frame)
            if product is not None:
                return self.call("get_product", {"product_id": product["product_id"]}, frame)
            frame.asked = "which"
            return self.reply(self.which(text), frame)
        return self.browse(text, turn, frame)

    def browse(self, text: str, turn: ChatTurn, frame: Frame) -> AIMessage:
        """A search (new, or refining the current one), a reference to a shown product, or small talk."""
        intent = turn.intent
        rows = shown(self.messages)
        noun = product_noun(text)
        named = named_product(text, rows) if rows else None
        if named is not None and noun is None and not sounds_like_shopping(text):
            frame.focus = named["product_id"]
            return self.call("get_product", {"product_id": named["product_id"]}, frame)
        if ordinal(text) is not None and rows and noun is None:
            product = self.referenced(text, turn, frame)
            if product is not None:
                return self.call("get_product", {"product_id": product["product_id"]}, frame)
            frame.asked = "which"
            return self.reply(self.which(text), frame)
        if noun is None and not intent.query and self.restated(text, frame):
            return self.search(frame)
        refining = frame.category is not None and (
            intent.colour
            or intent.brand
            or intent.size
            or intent.states_budget
            or intent.gender
            or wants_cheaper(text)
            or named is not None
        )
        shopping = sounds_like_shopping(text) or intent.states_budget
        if noun or intent.category or refining or (shopping and intent.query):
            if wants_cheaper(text) and rows:
                prices = [row["price_inr"] for row in rows if isinstance(row.get("price_inr"), int | float)]
                if prices:
                    frame.budget_max = int(sorted(prices)[len(prices) // 2]) - 1  # below the middle price
                    if frame.budget_min is not None and frame.budget_min > frame.budget_max:
                        frame.budget_min = None  # "cheaper" outranks a floor said earlier
            if named is not None and named.get("brand"):
                frame.brand = str(named["brand"])
            self.merge(frame, turn, text)
            if wants_cheapest(text) and "budget" not in frame.skipped:
                frame.skipped.append("budget")
            return self.search(frame)
        region = region_in_text(text)
        if region is not None and (len(text.split()) <= 3 or DELIVERY_WORDS.search(text)):
            found = find_region(region)
            return self.reply(say("region_noted", frame.lang, city=found.city if found else region), frame)
        if rows and POINTING.search(text):
            frame.asked = "which"
            return self.reply(self.which(text), frame)
        kind = smalltalk_kind(text)
        if kind is not None:
            return self.reply(say(kind, frame.lang), frame)
        return self.reply(say("offtopic", frame.lang), frame)

    @staticmethod
    def restated(text: str, frame: Frame) -> bool:
        """A bare amount or size while a search is under way ("1500" after "nothing found", "9"): that slot
        of the current search, changed."""
        if frame.category is None or len(text.split()) > MAX_RESTATED_WORDS:
            return False
        budget = budget_answer(text)
        if budget is not None:
            frame.budget_min, frame.budget_max = budget
            return True
        size = size_answer(text) if frame.category in SIZED else None
        if size is not None:
            frame.size = catalog_size(size, frame.category, frame.product)
            return True
        return False

    def merge(self, frame: Frame, turn: ChatTurn, text: str) -> None:
        """The message's slots into the frame; a different product starts a new search."""
        intent = turn.intent
        noun = product_noun(text)
        new_topic = noun is not None and (
            noun != frame.product or (intent.category or frame.category) != frame.category
        )
        if new_topic:
            keep_lang, asked = frame.lang, frame.asked
            fresh = Frame(lang=keep_lang, asked=asked, then=frame.then, goal=frame.goal)
            for name, value in fresh.model_dump().items():
                setattr(frame, name, value)
            frame.product = noun
            frame.category = intent.category
        elif intent.category and not frame.category:
            frame.category = intent.category
        for slot, value in (
            ("colour", intent.colour),
            ("brand", intent.brand),
            ("gender", intent.gender),
            ("budget_max", intent.budget_max_inr),
            ("budget_min", intent.budget_min_inr),
        ):
            if value is not None:
                setattr(frame, slot, value)
        if intent.size:
            frame.size = catalog_size(intent.size, frame.category)
        extra = [word for word in (intent.query or "").split() if word not in FILLER and word not in ORDINALS]
        noun_words = set((frame.product or "").split())
        extra = [word for word in extra if word not in noun_words]
        if new_topic or extra:
            frame.query = " ".join(extra) or None

    def search(self, frame: Frame) -> AIMessage:
        remembered = self.facts.remembered
        if frame.category in SIZED and not frame.size and "size" not in frame.skipped:
            saved = (remembered.get("sizes") or {}).get(frame.category)
            if saved:
                frame.size = str(saved)
            elif "size" not in frame.asked_slots:
                frame.asked = "size"
                frame.asked_slots.append("size")
                what = frame.product or frame.category or ""
                return self.reply(say("ask_size", frame.lang, what=what), frame)
        if frame.budget_max is None and frame.budget_min is None and "budget" not in frame.skipped:
            saved_budget = (remembered.get("budget_inr") or {}).get(frame.category or "")
            if saved_budget:
                frame.budget_max = int(saved_budget)
            elif "budget" not in frame.asked_slots:
                frame.asked = "budget"
                frame.asked_slots.append("budget")
                return self.reply(say("ask_budget", frame.lang), frame)
        words = [
            frame.colour,
            frame.gender if frame.gender in ("men", "women") else None,
            frame.query,
            frame.product,
            other_spelling(frame.product),
        ]
        query = " ".join(word for word in words if word) or None
        args = {
            "query": query,
            "category": frame.category,
            "brand": frame.brand,
            "max_price_inr": frame.budget_max,
            "min_price_inr": frame.budget_min,
            "size": catalog_size(frame.size, frame.category, frame.product, frame.gender)
            if frame.size
            else None,
        }
        return self.call("search_products", args, frame)

    def referenced(self, text: str, turn: ChatTurn, frame: Frame) -> dict[str, Any] | None:
        """The product a message points at: an id, an ordinal or name among the shown products, or "it"."""
        rows = shown(self.messages)
        if turn.product_id:
            return known_product(self.messages, turn.product_id) or {"product_id": turn.product_id}
        position = ordinal(text)
        if position is not None and rows:
            if -len(rows) <= position < len(rows):
                return rows[position]
            return None
        named = named_product(text, rows) if rows else None
        if named is not None:
            return named
        pick = price_pick(text)
        by_price = picked_by_price(rows, pick) if pick else None
        if by_price is not None:
            return by_price
        if frame.focus and (refers_to_it(text) or len(rows) != 1):
            return known_product(self.messages, frame.focus) or {"product_id": frame.focus}
        if len(rows) == 1:
            return rows[0]
        return None

    def which(self, text: str) -> str:
        """ "Which product do you mean?", saying so when the message counted past the end of the list shown
        ("the fourth one" after three products)."""
        lang = self.frame.lang if not text else detect_lang(text, self.frame.lang)
        position = ordinal(text)
        rows = shown(self.messages)
        if position is not None and rows and not -len(rows) <= position < len(rows):
            return f"{say('past_the_list', lang)} {say('ask_which', lang)}"
        return say("ask_which", lang)

    def add(self, text: str, turn: ChatTurn, frame: Frame) -> AIMessage:
        product = self.referenced(text, turn, frame)
        if product is None:
            frame.asked = "which"
            frame.pending = {"name": "add_to_cart", "text": text}
            return self.reply(self.which(text), frame)
        product_id = product["product_id"]
        frame.focus = product_id
        sizes = [str(size) for size in product.get("sizes") or []]
        said = turn.intent.size or size_answer_in_cart(text)
        args = {"product_id": product_id, "quantity": quantity_in(text) or turn.quantity}
        if not sizes and not product.get("size"):
            # Nothing shown about this product yet: read its sizes first, then add the one meant.
            frame.then = [{"name": "add_to_cart", "args": args, "said_size": said}]
            return self.call("get_product", {"product_id": product_id}, frame)
        size = self.size_for(said, product, sizes, frame)
        if size is None:
            frame.asked = "cart_size"
            frame.pending = {"name": "add_to_cart", "args": args}
            name = str(product.get("name") or product_id)
            return self.reply(say("ask_cart_size", frame.lang, name=name, sizes=", ".join(sizes)), frame)
        return self.call("add_to_cart", {**args, "size": size}, frame)

    def add_known(self, step: dict[str, Any], frame: Frame) -> AIMessage:
        """The add_to_cart planned before the product's sizes were known, now that they are."""
        args = dict(step.get("args") or {})
        product = known_product(self.messages, str(args.get("product_id", ""))) or {}
        sizes = [str(size) for size in product.get("sizes") or []]
        size = self.size_for(step.get("said_size"), product, sizes, frame)
        if size is None:
            frame.asked = "cart_size"
            frame.pending = {"name": "add_to_cart", "args": args}
            name = str(product.get("name") or args.get("product_id"))
            return self.reply(say("ask_cart_size", frame.lang, name=name, sizes=", ".join(sizes)), frame)
        return self.call("add_to_cart", {**args, "size": size}, frame)

    def size_for(
        self, said: str | None, product: Mapping[str, Any], sizes: list[str], frame: Frame
    ) -> str | None:
        """The product's size for this shopper: the one they said, the search's, their remembered one, or
        its only size."""
        category = product.get("category") or frame.category
        if said:
            return match_size(said, sizes) or (catalog_size(said, category) if not sizes else None)
        if product.get("size"):
            return str(product["size"])
        saved = (self.facts.remembered.get("sizes") or {}).get(category or "")
        for candidate in (frame.size, saved):
            if candidate and (matched := match_size(str(candidate), sizes)):
                return matched
        if len(sizes) == 1:
            return sizes[0]
        return None

    def remove(self, text: str, turn: ChatTurn, frame: Frame) -> AIMessage:
        seen = cart_lines(self.messages)
        if seen is None and not turn.product_id and product_noun(text) and "view_cart" in self.tools:
            # "remove the jeans from my cart" before the cart was shown: read the cart, then remove.
            frame.goal = "remove"
            frame.pending = {"name": "remove_from_cart", "text": text}
            return self.call("view_cart", {}, frame)
        lines = seen or []
        product = self.referenced(text, turn, frame)
        named = (named_product(text, lines) or named_kind(text, lines)) if lines else None
        if named is not None:
            product = named
        if product is None and len(lines) == 1:
            product = lines[0]
        if product is None:
            frame.asked = "which"
            frame.pending = {"name": "remove_from_cart", "text": text}
            return self.reply(self.which(text), frame)
        in_cart = [line for line in lines if line.get("product_id") == product["product_id"]]
        size = product.get("size") if product in lines else None
        if size is None and len(in_cart) == 1:
            size = in_cart[0].get("size")  # "remove it": the one line of the product just added
        return self.call("remove_from_cart", {"product_id": product["product_id"], "size": size}, frame)

    def buys_now(self, text: str, action: ChatAction) -> bool:
        """ "buy the first one", "isko kharid lo": an order for a product the shopper points at."""
        if action is ChatAction.ADD_TO_CART or not BUY_WORDS.search(text) or product_noun(text):
            return False
        if not shown(self.messages) and not self.frame.focus:
            return False
        return ordinal(text) is not None or refers_to_it(text)

    def checkout(self, text: str, turn: ChatTurn, frame: Frame) -> AIMessage:
        lines = cart_lines(self.messages)
        product = (
            self.referenced(text, turn, frame) if (refers_to_it(text) or ordinal(text) is not None) else None
        )
        in_cart = (
            lines is not None
            and product is not None
            and any(line.get("product_id") == product["product_id"] for line in lines)
        )
        pointed = refers_to_it(text) or ordinal(text) is not None
        if pointed and product is None and not lines and shown(self.messages):
            frame.asked = "which"
            frame.pending = {"name": "place_order", "text": text}
            return self.reply(self.which(text), frame)
        if product is not None and not in_cart:
            sizes = [str(size) for size in product.get("sizes") or []]
            size = self.size_for(turn.intent.size, product, sizes, frame)
            if size is not None:
                item = {"product_id": product["product_id"], "size": size, "quantity": turn.quantity or 1}
                return self.call("place_order", {"items": [item]}, frame)
        return self.call("place_order", {}, frame)

    def cancel(self, text: str, turn: ChatTurn, frame: Frame) -> AIMessage:
        order_id = turn.order_id
        known = order_ids(self.messages)
        if order_id is None and known:
            order_id = known[0]
        if order_id is None:
            frame.goal = "cancel"
            return self.call("order_status", {}, frame)
        return self.call("cancel_order", {"order_id": order_id}, frame)

    def recommend(self, turn: ChatTurn, frame: Frame) -> AIMessage:
        category = turn.intent.category or frame.category
        if category not in RECOMMENDABLE:
            category = "footwear"
        frame.category = category
        frame.goal = "recommend"
        budget = turn.intent.budget_max_inr or frame.budget_max
        return self.call("recommend_for_me", {"category": category, "budget_inr": budget}, frame)

    # -- after tool results --------------------------------------------------------------------------------

    def after_results(self) -> AIMessage:
        frame = self.frame.model_copy(deep=True)
        found = results(self.messages)
        answered = found[-len(pending_tool_results(self.messages)) :]
        if all(result.ok for result in answered) and frame.then:
            step, frame.then = frame.then[0], frame.then[1:]
            if "said_size" in step:
                return self.add_known(step, frame)
            return self.call(step["name"], step.get("args") or {}, frame)
        frame.then = []
        last = answered[-1]
        chained = self.chain(last, frame)
        if chained is not None:
            return chained
        parts = [self.describe(result, frame) for result in answered]
        return self.reply("\n\n".join(part for part in parts if part), frame)

    def chain(self, result: Result, frame: Frame) -> AIMessage | None:
        """A follow-up call a result calls for: sizes after a scan the shopper asked sizes for; a search
        again without the extra words when they matched nothing."""
        if result.name == "scan_photo" and result.ok and frame.goal == "recommend":
            category = (result.data or {}).get("category") or frame.category or "footwear"
            return self.call(
                "recommend_for_me", {"category": category, "budget_inr": frame.budget_max}, frame
            )
        if result.name == "view_cart" and result.ok and frame.goal == "remove" and frame.pending:
            text = str(frame.pending.get("text") or "")
            frame.goal, frame.pending = None, None
            if cart_lines(self.messages):
                return self.remove(text, understand_turn(for_parsing(text)), frame)
        if result.name == "order_status" and result.ok and frame.goal == "cancel":
            frame.goal = None
            orders = [
                row
                for row in (result.data or {}).get("orders") or []
                if isinstance(row, dict) and row.get("status") not in CLOSED_ORDERS
            ]
            if len(orders) == 1:
                return self.call("cancel_order", {"order_id": orders[0]["order_id"]}, frame)
            if orders:
                frame.asked = "order_id"
                frame.pending = {"name": "cancel_order", "args": {}}
        found_none = result.name == "search_products" and result.ok and not product_rows_of(result)
        retry = frame.query and (frame.product or frame.category)
        if found_none and retry:
            frame.query = None
            return self.search(frame)
        limits = [key for key in LIMITS if result.args.get(key)]
        if found_none and limits and frame.goal != "widen":
            # Nothing within the budget or size: whether the shop has the product at all is worth knowing,
            # and the closest ones outside those limits are worth showing.
            frame.goal = "widen"
            args = {key: value for key, value in result.args.items() if key not in LIMITS}
            return self.call("search_products", args, frame)
        return None

    def describe(self, result: Result, frame: Frame) -> str:
        lang = frame.lang
        if not result.ok:
            return self.failure(result, frame)
        data = result.data if isinstance(result.data, dict) else {}
        describe = DESCRIBERS.get(result.name)
        if describe is None:
            return say("next", lang)
        return describe(self, data, result, frame)

    def failure(self, result: Result, frame: Frame) -> str:
        lang = frame.lang
        code, _, message = result.text.partition(":")
        code = code.strip()
        if code == "DECLINED":
            return say("order_declined" if result.name == "place_order" else "cancel_declined", lang)
        if code == "NO_DELIVERY_REGION":
            frame.asked = "region"
            frame.pending = {"name": result.name, "args": result.args}
            return say("ask_region", lang)
        if code == "EMPTY_CART" or (code == "INVALID_INPUT" and "cart is empty" in message):
            return say("cart_empty", lang)
        if code == "BLOCKED":
            return say("blocked", lang)
        if code in ("CONSENT_REQUIRED",):
            return say("consent", lang)
        if code == "NO_PHOTO":
            return say("no_photo", lang)
        if code == "HEIGHT_REQUIRED":
            frame.asked = "height"
            return say("ask_height", lang)
        if code == "NOT_SIGNED_IN":
            return say("sign_in", lang)
        if code == "SCAN_REJECTED":
            return say("photo_rejected", lang, reason=message.strip())
        if code == "INSUFFICIENT_STOCK":
            return self.short_of_stock(message, frame)
        if result.name == "add_to_cart" and code == "INVALID_INPUT":
            product = known_product(self.messages, str(result.args.get("product_id", ""))) or {}
            sizes = [str(size) for size in product.get("sizes") or []]
            if sizes:
                frame.asked = "cart_size"
                frame.pending = {"name": "add_to_cart", "args": {"product_id": result.args.get("product_id")}}
                name = str(product.get("name") or result.args.get("product_id"))
                return say("ask_cart_size", lang, name=name, sizes=", ".join(sizes))
        return say("failed", lang, reason=(message.strip() or result.text)[:300])

    def short_of_stock(self, message: str, frame: Frame) -> str:
        """ "not enough stock of fw-005 size UK 6 in delhi (product_id=fw-005, size=UK 6, region=delhi,
        requested=1, available=0)", said as the shopper would: the product's name, its size and the city."""
        details = dict(re.findall(r"(\w+)=([^,()]+)", message))
        product_id = details.get("product_id", "").strip()
        product = known_product(self.messages, product_id) or {}
        name = _title(product) if product.get("name") else product_id or "-"
        size = details.get("size", "").strip() or "-"
        where = _where(details.get("region", "").strip(), frame.lang)
        available = details.get("available", "").strip()
        if available.isdigit() and int(available) > 0:
            return say("short_stock", frame.lang, name=name, size=size, where=where, available=available)
        return say("out_of_stock", frame.lang, name=name, size=size, where=where)


def for_parsing(text: str) -> str:
    """The message as the intent parser reads it best: in "under 3000 in size 9" or "under 3000 size 9" it
    would read 3000 as inches or as a size."""
    return re.sub(r"\b(\d{3,})\s+(?:in\s+)?(size|sz|uk)\b", r"\1, \2", text, flags=re.IGNORECASE)


def other_spelling(words: str | None) -> str | None:
    """The British or American spelling of a product word, when it has one ("moisturizer" and
    "moisturiser"), so a catalog written in either spelling finds it."""
    if not words:
        return None
    british = re.sub(r"iz(e|er|ers|ing)\b", r"is\1", words)
    american = re.sub(r"is(e|er|ers|ing)\b", r"iz\1", words) if british == words else words
    other = british if british != words else american
    return other if other != words and other in PRODUCTS else None


def product_rows_of(result: Result) -> list[dict[str, Any]]:
    data = result.data if isinstance(result.data, dict) else {}
    return [row for row in data.get("products") or data.get("recommendations") or [] if isinstance(row, dict)]


def size_answer_in_cart(text: str) -> str | None:
    """A size stated with "size"/"number"/"UK" in a cart request ("add it in 9 number"); a bare number is a
    quantity there, not a size."""
    from agents.rules.intent import extract_size

    return extract_size(text)


def smalltalk_kind(text: str) -> str | None:
    lowered = text.lower().strip(" !.?")
    if any(word in lowered for word in ("thank", "shukriya", "dhanyavad", "धन्यवाद", "शुक्रिया")):
        return "thanks"
    words = re.findall(r"[\w']+", lowered)
    if len(words) <= MAX_GOODBYE_WORDS and (
        set(words) & {"bye", "goodbye", "alvida", "tata", "अलविदा"} or "see you" in lowered
    ):
        return "bye"  # "chalo bye", "ok bye then"
    if lowered.split(" ")[0] in ("hi", "hello", "hey", "namaste", "namaskar", "नमस्ते", "हेलो"):
        return "greet"
    if (
        is_yes(lowered)
        or is_no(lowered)
        or lowered in ("hmm", "cool", "great", "nice", "fine", "sounds good")
    ):
        return "next"
    return None


# -- describing results ------------------------------------------------------------------------------------


def _price(value: Any) -> str:
    return rupees(float(value)) if isinstance(value, int | float) else ""


_QUESTION_WORD = re.compile(r"\?|\b(?:which|kaunsa|konsa|kaun sa|kya)\b|कौन सा|क्या", re.IGNORECASE)


def _comparison(rows: Sequence[Mapping[str, Any]], lang: Lang, pick: str) -> str:
    """The products side by side (name, price, sizes) and which costs less (or more, when that was asked):
    every number from the search result the products came in (the difference is left to the shopper, as no
    tool result states it)."""
    lines = [
        say(
            "compare_line",
            lang,
            name=_title(row),
            price=_price(row.get("price_inr")) or "-",
            sizes=size_range([str(size) for size in row.get("sizes") or []]) or "-",
        )
        for row in rows
    ]
    priced = [row for row in rows if isinstance(row.get("price_inr"), int | float)]
    if len(priced) == len(rows):
        low = min(priced, key=lambda row: float(row["price_inr"]))
        high = max(priced, key=lambda row: float(row["price_inr"]))
        if float(high["price_inr"]) - float(low["price_inr"]) < 1:
            lines.append(say("compare_same_price", lang))
        else:
            named = low if pick == "low" else high
            key = f"compare_{'cheaper' if pick == 'low' else 'costlier'}{'' if len(rows) == 2 else '_most'}"
            lines.append(say(key, lang, name=_title(named)))
    lines.append(say("compare_more", lang))
    return "\n".join(lines)


def _title(row: Mapping[str, Any]) -> str:
    name = str(row.get("name") or row.get("product_id") or row.get("id") or "")
    brand = str(row.get("brand") or "")
    return name if not brand or name.lower().startswith(brand.lower()) else f"{brand} {name}"


def _where(region: Any, lang: Lang) -> str:
    if not region or region == "all regions":
        return ""
    found = find_region(str(region))
    city = found.city if found else str(region)
    return {"en": f" in {city}", "hi": f" {city} में", "hinglish": f" {city} mein"}[lang]


def _search(chat: Conversation, data: dict[str, Any], result: Result, frame: Frame) -> str:
    rows = product_rows(result)
    widened, frame.goal = frame.goal == "widen", None if frame.goal == "widen" else frame.goal
    what = frame.product or str(result.args.get("query") or "") or frame.category or ""
    if widened and not rows:
        return say("found_none_at_all", frame.lang, what=what)
    if not rows:
        return say("found_none", frame.lang)
    lines = []
    for index, row in enumerate(rows[:LISTED], 1):
        sizes = [str(size) for size in row.get("sizes") or []]
        line = f"{index}. {_title(row)}, {_price(row.get('price_inr'))}"
        if sizes:
            line += f" ({size_range(sizes)})"
        lines.append(line)
    where = _where(data.get("in_stock_region"), frame.lang)
    missing = _missing(rows[:LISTED], frame)
    if widened:
        limits = _limits_said(frame)
        header = say("found_widened", frame.lang, what=what, limits=limits, where=where)
    elif missing:
        header = say("found_closest", frame.lang, what=missing, where=where)
    else:
        header = say("found", frame.lang, where=where)
    hint = say("found_more" if len(rows) > 1 else "found_one_more", frame.lang)
    return "\n".join([header, *lines, hint])


def _limits_said(frame: Frame) -> str:
    """ "budget", "size" or "budget and size": the limits a widened search left out, in the shopper's
    language."""
    words = {
        "en": ("budget", "size", "and"),
        "hi": ("बजट", "साइज़", "और"),
        "hinglish": ("budget", "size", "aur"),
    }
    budget, size, joined = words[frame.lang]
    said = [
        word for word, set_ in ((budget, frame.budget_max or frame.budget_min), (size, frame.size)) if set_
    ]
    return f" {joined} ".join(said) or budget


def _missing(rows: Sequence[Mapping[str, Any]], frame: Frame) -> str | None:
    """The colour and kind of product the shopper asked for, when no listed product has both in its name
    ("maroon hoodie" when only navy ones are in stock), so the reply says these are only the closest."""
    asked = " ".join(word for word in (frame.colour, frame.product) if word)
    wanted = set(singular_words(asked))
    if not wanted or any(wanted <= set(singular_words(_title(row))) for row in rows):
        return None
    return asked


def _details(chat: Conversation, data: dict[str, Any], result: Result, frame: Frame) -> str:
    lang = frame.lang
    frame.focus = str(data.get("id") or frame.focus or "")
    parts = [f"{_title(data)}, {_price(data.get('price_inr'))}."]
    description = " ".join(str(data.get("description") or "").split())
    if description:
        parts.append(description[:200].rstrip() + ("..." if len(description) > 200 else ""))
    sizes = [str(size) for size in data.get("sizes") or []]
    if sizes:
        parts.append(say("details_sizes", lang, sizes=", ".join(sizes)))
    stock = [row for row in data.get("stock") or [] if isinstance(row, dict)]
    if stock:
        available = [f"{row['size']}: {row['available']}" for row in stock if row.get("available")]
        where = _where(chat.facts.region, lang)
        if available:
            parts.append(say("details_stock", lang, where=where, stock=", ".join(available)))
        else:
            parts.append(say("details_no_stock", lang, where=where))
    return " ".join(parts)


def _inventory(chat: Conversation, data: dict[str, Any], result: Result, frame: Frame) -> str:
    lang = frame.lang
    frame.focus = str(data.get("product_id") or frame.focus or "")
    name = str(data.get("name") or data.get("product_id") or "")
    where = _where(data.get("region"), lang)
    lines = []
    for row in data.get("stock") or []:
        size = f" ({row['size']})"
        if row.get("available"):
            lines.append(say("stock", lang, name=name, size=size, count=row["available"], where=where))
        else:
            lines.append(say("sold_out", lang, name=name, size=size, where=where))
    return "\n".join(lines) or say("sold_out", lang, name=name, size="", where=where)


def _cart_summary(data: dict[str, Any], lang: Lang) -> str:
    return say("cart_total", lang, count=data.get("item_count", 0), total=_price(data.get("total_inr")))


def _added(chat: Conversation, data: dict[str, Any], result: Result, frame: Frame) -> str:
    lang = frame.lang
    product_id = str(result.args.get("product_id", ""))
    frame.focus = product_id
    line = next(
        (
            item
            for item in data.get("items") or []
            if item.get("product_id") == product_id and item.get("size") == result.args.get("size")
        ),
        None,
    )
    if line is None:
        return _cart_summary(data, lang)
    added = say("added", lang, qty=line.get("quantity"), name=_title(line), size=line.get("size"))
    return f"{added} {_cart_summary(data, lang)}"


def _removed(chat: Conversation, data: dict[str, Any], result: Result, frame: Frame) -> str:
    lang = frame.lang
    if not data.get("items"):
        return f"{say('removed', lang)} {say('cart_empty', lang)}"
    return f"{say('removed', lang)} {_cart_summary(data, lang)}"


def _cart(chat: Conversation, data: dict[str, Any], result: Result, frame: Frame) -> str:
    lang = frame.lang
    items = [item for item in data.get("items") or [] if isinstance(item, dict)]
    if not items:
        return say("cart_empty", lang)
    lines = [
        f"- {item.get('quantity')} x {_title(item)} (size {item.get('size')}), "
        f"{_price(item.get('line_total_inr'))}"
        for item in items
    ]
    return "\n".join([say("cart", lang), *lines, _cart_summary(data, lang)])


def _order_lines(data: Mapping[str, Any]) -> str:
    return "; ".join(
        f"{item.get('quantity')} x {item.get('name')} (size {item.get('size')})"
        for item in data.get("items") or []
    )


def _placed(chat: Conversation, data: dict[str, Any], result: Result, frame: Frame) -> str:
    lang = frame.lang
    method = str(data.get("payment_method") or "cod")
    payment = (PAYMENT_HI if lang == "hi" else PAYMENT).get(method, method)
    found = find_region(str(data.get("region") or ""))
    return say(
        "placed",
        lang,
        order_id=data.get("order_id"),
        status=data.get("status"),
        lines=_order_lines(data),
        total=_price(data.get("total_inr")),
        payment=payment,
        city=found.city if found else data.get("region"),
    )


def _status(chat: Conversation, data: dict[str, Any], result: Result, frame: Frame) -> str:
    lang = frame.lang
    if data.get("order_id"):
        return _order_line(data, lang) + (f" {_order_lines(data)}." if data.get("items") else "")
    orders = [row for row in data.get("orders") or [] if isinstance(row, dict)]
    if not orders:
        return say("no_orders", lang)
    return "\n".join([say("orders", lang), *(_order_line(row, lang) for row in orders)])


def _order_line(row: Mapping[str, Any], lang: Lang) -> str:
    count = row.get("item_count") or sum(int(item.get("quantity") or 0) for item in row.get("items") or [])
    return say(
        "order_line",
        lang,
        order_id=row.get("order_id"),
        status=row.get("status"),
        total=_price(row.get("total_inr")),
        count=count,
        placed=str(row.get("placed_at") or "")[:10],
    )


def _cancelled(chat: Conversation, data: dict[str, Any], result: Result, frame: Frame) -> str:
    return say("cancelled", frame.lang, order_id=data.get("order_id"), status=data.get("status"))


def _recommended(chat: Conversation, data: dict[str, Any], result: Result, frame: Frame) -> str:
    lang = frame.lang
    picks = [row for row in data.get("recommendations") or [] if isinstance(row, dict)]
    if not picks:
        needs = data.get("needs_scan")
        guidance = " ".join(str(line) for line in data.get("guidance") or [])
        if needs:
            frame.goal = "recommend"
            frame.asked = "scan"
            return ask_scan(str(needs), lang)
        return " ".join(part for part in (say("recommend_none", lang), guidance) if part)
    source = {
        "en": {"scan": "scan", "stored": "saved measurements"},
        "hi": {"scan": "स्कैन", "stored": "सेव किए नाप"},
        "hinglish": {"scan": "scan", "stored": "saved measurements"},
    }[lang].get(str(data.get("attributes_source")), "measurements")
    lines = [
        say(
            "recommend_line",
            lang,
            index=index,
            name=_title(row),
            size=row.get("size"),
            price=_price(row.get("price_inr")),
            confidence=f"{round(float(row.get('confidence') or 0) * 100)}%",
            reason=row.get("reason") or "",
        )
        for index, row in enumerate(picks, 1)
    ]
    frame.goal = None
    return "\n".join([say("recommend", lang, source=source), *lines, say("found_more", lang)])


QUESTION_WORDS = frozenset(
    """
    they them their there this that these those what which when where with from have does should would could
    will your mine about into also just only than then very much many more most some such want need like
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
STEM = 5


def _stems(text: str) -> set[str]:
    """The content words of a text cut to their first letters, so "exchange" meets "exchanged" and
    "exchanges"; words every question has ("they", "should") are left out."""
    words = re.findall(r"[a-z]{4,}", text.lower())
    return {word[:STEM] for word in words if word not in QUESTION_WORDS and word not in STOPWORDS}


def _knowledge(chat: Conversation, data: dict[str, Any], result: Result, frame: Frame) -> str:
    lang = frame.lang
    passages = [row for row in data.get("passages") or [] if isinstance(row, dict)]
    if not passages:
        return say("knowledge_none", lang)
    keywords = _stems(str(result.args.get("question", "")))
    relevant = [row for row in passages if keywords & _stems(f"{row.get('title')} {row.get('text')}")]
    lines = []
    for row in (relevant or passages)[:2]:
        # The words the title shares with the question name the guide's topic; the rest pick its sentences.
        asked = (keywords - _stems(str(row.get("title") or ""))) or keywords
        short = _answering_sentences(" ".join(str(row.get("text") or "").split()), asked)
        lines.append(f"- {row.get('title')}: {short[:300]} [{row.get('source_id')}]")
    return "\n".join([say("knowledge", lang), *lines])


_SENTENCE_OR_ITEM = re.compile(r"(?<=[.!?।])\s+|\s+-\s+(?=[A-Z\u0900-\u097f])|^-\s+")


def _answering_sentences(text: str, keywords: set[str], count: int = 2) -> str:
    """The passage's `count` sentences (or list items) that share the most content words with the question,
    in the passage's order ("how often should I reapply sunscreen?" quotes the item on reapplying, not the
    guide's opening); its first ones where none shares any."""
    sentences = [part.strip() for part in _SENTENCE_OR_ITEM.split(text) if part and part.strip()]
    overlap = [len(keywords & _stems(sentence)) for sentence in sentences]
    if not any(overlap):
        chosen = list(range(min(count, len(sentences))))
    else:
        ranked = sorted(range(len(sentences)), key=lambda index: (-overlap[index], index))
        chosen = sorted(index for index in ranked[:count] if overlap[index])
    return " ".join(sentences[index] for index in chosen)


def _scanned(chat: Conversation, data: dict[str, Any], result: Result, frame: Frame) -> str:
    lang = frame.lang
    attributes = data.get("attributes") or {}
    if data.get("kind") == "foot":
        standard = data.get("standard_size") or {}
        size = ""
        if standard.get("uk") is not None:
            size = {
                "en": f", UK {standard['uk']:g} on the standard chart",
                "hi": f", मानक चार्ट पर UK {standard['uk']:g}",
                "hinglish": f", standard chart par UK {standard['uk']:g}",
            }[lang]
        return say(
            "scanned_foot",
            lang,
            length=attributes.get("length_mm"),
            width=attributes.get("width_mm"),
            standard=size,
        )
    return say("scanned", lang, kind=data.get("kind"))


def _remembered(chat: Conversation, data: dict[str, Any], result: Result, frame: Frame) -> str:
    what = remembered_text(data.get("remembered") or {}, result.args)
    return say("remembered", frame.lang, what=what)


def _recalled(chat: Conversation, data: dict[str, Any], result: Result, frame: Frame) -> str:
    remembered = data.get("remembered") or {}
    if not remembered:
        return say("nothing_remembered", frame.lang)
    return say("recalled", frame.lang, what=remembered_text(remembered, None))


def remembered_text(remembered: Mapping[str, Any], only: Mapping[str, Any] | None) -> str:
    parts = []
    sizes = remembered.get("sizes") or {}
    budgets = remembered.get("budget_inr") or {}
    for category, size in sizes.items():
        if only is None or (only.get("size") and only.get("category") == category):
            parts.append(f"{category} size {size}")
    for category, budget in budgets.items():
        if only is None or (only.get("budget_inr") and only.get("category") == category):
            parts.append(f"{category} budget {_price(budget)}")
    if remembered.get("brands") and (only is None or only.get("brand")):
        parts.append("brands " + ", ".join(remembered["brands"]))
    if remembered.get("region") and (only is None or only.get("region")):
        parts.append(f"delivery to {remembered.get('region_city') or remembered['region']}")
    return "; ".join(parts)


DESCRIBERS = {
    "search_products": _search,
    "get_product": _details,
    "check_inventory": _inventory,
    "add_to_cart": _added,
    "remove_from_cart": _removed,
    "view_cart": _cart,
    "place_order": _placed,
    "order_status": _status,
    "cancel_order": _cancelled,
    "recommend_for_me": _recommended,
    "ask_knowledge": _knowledge,
    "ask_knowledge_base": _knowledge,
    "scan_photo": _scanned,
    "remember_preference": _remembered,
    "recall_preferences": _recalled,
}
