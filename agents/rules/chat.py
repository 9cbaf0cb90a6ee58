"""What a chat message asks for (search, cart, order...), with the ids and quantity it mentions.

Actions are checked in a fixed order, most specific first: "cancel my order ord_12" is a cancellation even
though it also mentions an order, and "add the red one to my cart" is a cart action, not a search.
"""

from __future__ import annotations

import re

from agents.rules.budget import normalise
from agents.rules.intent import parse_shopping_intent
from agents.schemas import ChatAction, ChatTurn, ShoppingIntent

_ORDER_ID = re.compile(
    r"\b(ord[_-][A-Za-z0-9_.:-]+)|\border\s*(?:id|no\.?|number|#)?\s*[:#]?\s*([A-Za-z]*\d[A-Za-z0-9_.:-]*)",
    re.IGNORECASE,
)
_PRODUCT_ID = re.compile(
    r"\b((?:prd|prod|p|sku)[_-][A-Za-z0-9_.:-]+)|\b(?:product|item|sku)\s*(?:id|no\.?|number|#)?\s*[:#]?\s*"
    r"([A-Za-z]*\d[A-Za-z0-9_.:-]*)",
    re.IGNORECASE,
)
_QUANTITY = re.compile(
    r"\b(\d{1,2})\s*(?:pcs|pieces|units|qty|nos|x)\b|\b(?:qty|quantity)\s*:?\s*(\d{1,2})\b", re.IGNORECASE
)

_ACTION_PATTERNS: tuple[tuple[ChatAction, re.Pattern[str]], ...] = tuple(
    (action, re.compile(pattern, re.IGNORECASE))
    for action, pattern in (
        (ChatAction.CANCEL_ORDER, r"\bcancel|\bradd\b|रद्द|\bcancell?ation\b"),
        (
            ChatAction.PLACE_ORDER,
            r"\b(?:place (?:the |my |an )?order|checkout|check out|buy (?:it |this |that )?now|"
            r"order (?:kar|karo|kardo|kar do|place)|confirm (?:the |my )?order|kharid (?:lo|do|lunga)|"
            r"ऑर्डर कर)",
        ),
        (
            ChatAction.ORDER_STATUS,
            r"\b(?:track|tracking|order status|status of (?:my )?order|where is my order|"
            r"order kahan|order kaha|kab (?:tak )?(?:aa?y?e?g[ai]|aaeg[ai]|mileg[ai]|pahu?nche?g[ai])|"
            r"delivery status|delivery kab|"
            r"(?:order|parcel|package|saman|samaan)\b[^.?!]*\b(?:nahi|nahin|nhi) "
            r"(?:aaya|aayi|aya|mila|mili)\b|"
            r"\b(?:not|haven't|have not|didn't|did not|never) (?:yet )?(?:received|got|get|receive) my\b|"
            r"(?:order|parcel|package)\b[^.?!]*\b(?:did not|didn't|has not|hasn't|never|not yet) "
            r"(?:arrive|arrived|come|came|reach|reached|been delivered)\b|"
            r"my orders?\b|mere orders?|ऑर्डर कहाँ|ऑर्डर कब)|\border\b.*\bstatus\b|"
            r"\bwhen (?:will|is|does|do|are|would) my\b[^.?!]*\b(?:arrive|arriving|come|coming|reach|"
            r"get here|be delivered|ship)\b|\bwhen (?:will|would|do|can|should) i (?:get|receive) my\b|"
            r"\b(?:has|have|is|are|was) my\b[^.?!]*\b(?:arrived|shipped|"
            r"dispatched|delivered|out for delivery)\b|"
            r"\bwhere(?: is|'s| are) my (?!cart\b|basket\b|bag\b|wishlist\b|size\b|manners\b)",
        ),
        (
            ChatAction.REMOVE_FROM_CART,
            r"\b(?:remove|delete|hata|hatao|nikal|nikalo)\b.*\bcart\b|\bcart\b.*\b(?:se hata|"
            r"se nikal|remove)|कार्ट से हटा",
        ),
        (
            ChatAction.ADD_TO_CART,
            r"\badd\b|\bcart (?:me|mein|main) (?:daal|dal|add)|\bdaal do\b|कार्ट में डाल|"
            r"\b(?:put|place|throw|save)\b.*\b(?:in|into|to)\s+(?:my\s+|the\s+)?(?:cart|basket)\b",
        ),
        (
            ChatAction.VIEW_CART,
            r"\b(?:my cart|view cart|show cart|cart dikhao|mera cart|cart me kya|what'?s in (?:my )?cart|"
            r"cart)\b|कार्ट",
        ),
        (
            ChatAction.INVENTORY,
            r"\b(?:in stock|stock|available|availability|milega|milegi|uplabdh)\b|उपलब्ध|स्टॉक",
        ),
        (
            ChatAction.PRODUCT_DETAILS,
            r"\b(?:details?|specs?|specifications?|tell me (?:more )?about|more about|"
            r"iske bare|uske bare|describe)\b",
        ),
        (
            ChatAction.RECOMMEND,
            r"\b(?:recommend|suggest|suggestion|which size|what size|kaunsa size|konsa size|"
            r"fit me|best for me|sujhao|sujhav)\b|सुझा",
        ),
        (
            ChatAction.KNOWLEDGE,
            r"\b(?:size chart|how (?:do|to|should|does)|what is|what are|why|is it good|"
            r"ingredients?|return policy|kya hai|kaise|kyun|oily skin|dry skin|sensitive skin|"
            r"difference between|size conversion|convert\w* (?:my )?sizes?|"
            r"(?:uk|us|eu|indian?) (?:and|vs|versus|or|to|into) (?:uk|us|eu|indian?)|refunds?|exchanges?|"
            r"between (?:two |2 )?sizes|in between sizes|"
            r"(?:size|number)\s+\d{1,2}(?:\.5)?\s+(?:aur|and|or|ya|se|-)\s+\d{1,2}(?:\.5)?\s+(?:ke|k)\s+"
            r"(?:beech|bich|darmiyan)|"
            r"between (?:size |uk )?\d{1,2}(?:\.5)? (?:and|&) (?:size |uk )?\d{1,2}(?:\.5)?"
            r"(?! ?(?:k|rs|rupees)\b))\b|"
            r"साइज़?\s*\d{1,2}\s*(?:और|या|से)\s*\d{1,2}\s*के बीच",
        ),
        (
            ChatAction.SMALLTALK,
            r"^\s*(?:hi|hello|hey|namaste|namaskar|thanks|thank you|dhanyavad|shukriya|ok|okay|bye)"
            r"\b[\s!.]*$",
        ),
    )
)


# Returning or exchanging something is a question for the guides (how returns work), unless it names an
# order or asks where a refund or exchange has got to (tracking); "return gifts" are something to buy.
_RETURNING = re.compile(
    r"\b(?:return|returns|returning|refund|exchange|wapas|vapas)\b(?! gifts?\b)|वापस|रिफ़ंड", re.IGNORECASE
)
_TRACKING = re.compile(
    r"\b(?:track|tracking|status|where|when|kab|kahan|processed|arrive|arrived|received)\b|कब|कहाँ",
    re.IGNORECASE,
)
# What the guides answer even when asked as "do you have ...": a size chart, the return policy, how to.
_ABOUT_THE_SHOP = re.compile(r"\b(?:size chart|return policy|how (?:to|do|should|does))\b", re.IGNORECASE)
# Asking whether the shop has something ("do you sell sunscreen for oily skin?", "aapke paas ... hai?") is
# shopping, even when it names a skin type or an ingredient as an advice question would.
STOCK_QUESTION = re.compile(
    r"\b(?:do (?:you|u) (?:have|sell|stock|carry|keep)|have (?:you|u) got|got any|anything for|something for|"
    r"kuch hai|milega|milegi|milta hai|milti hai|aapke paas|apke paas|aap ke paas)\b|आपके पास|मिलेगा|मिलेगी",
    re.IGNORECASE,
)

# Asking for a product outright ("I need a serum for oily skin", "sunscreen for dry skin under 500") is
# shopping too; an advice question ("which serum suits oily skin?") is not.
_ASKS_FOR_PRODUCTS = re.compile(
    r"\b(?:show|need|want|looking for|buy|dikhao|dikha|chahiye|chahie|de do)\b|दिखा|चाहिए", re.IGNORECASE
)


# A question's form: a question mark, a question word, or a request to explain or compare. "spf 50 sunscreen
# for sensitive skin" names a product and asks nothing: it is shopping, though it names a skin type.
_ASKS_SOMETHING = re.compile(
    r"\?|^\s*(?:is|are|can|could|does|do|should|shall|what|why|how|which|when|will|would|kya|kaise|kyun|kaun)\b|"
    r"\b(?:kya|kaise|kyun|kyon|kaun|kitna|difference|differ|compare|vs|versus|mean|meaning|explain|batao|"
    r"bataiye|samjhao|safe|ok to|okay to|good for|bad for)\b|क्या|कैसे|क्यों|बताइए|बताओ",
    re.IGNORECASE,
)


def wants_products(clean: str, intent: ShoppingIntent) -> bool:
    """A message that names a kind of product with a budget, or asks for one without asking a question."""
    if intent.category is None or _ABOUT_THE_SHOP.search(clean):
        return False
    if intent.states_budget:
        return True
    return _ASKS_FOR_PRODUCTS.search(clean) is not None and "?" not in clean


# What the shopper already has: "return my shoes", "exchange these", "isko wapas karna hai".
_OWNED = re.compile(
    r"\b(?:my|mine|these|this|it|them|those|mera|meri|mere|ye|yeh|isko|ise|inko)\b|मेरा|मेरे|मेरी|इसे"
)


def about_returns(text: str) -> bool:
    """The message is about returning or exchanging something (the returns guide answers it for every kind
    of product, so a guide search is not narrowed to the product's category)."""
    return _RETURNING.search(normalise(text)) is not None


def _asks_how_returns_work(clean: str, category: str | None, order_id: str | None) -> bool:
    """ "I want to return my order", "can I exchange it?", "return my shoes, they are tight": the guides (the
    returns article) answer."""
    return (
        _RETURNING.search(clean) is not None
        and (category is None or _OWNED.search(clean) is not None)
        and order_id is None
        and _TRACKING.search(clean) is None
    )


def _first_group(match: re.Match[str] | None) -> str | None:
    if match is None:
        return None
    return next((group for group in match.groups() if group), None)


def understand_turn(text: str) -> ChatTurn:
    """The action a message asks for; a message that names something to buy and nothing else is a search."""
    intent = parse_shopping_intent(text)
    clean = normalise(text)
    order_id = _first_group(_ORDER_ID.search(text))
    product_id = _first_group(_PRODUCT_ID.search(text))
    quantity_text = _first_group(_QUANTITY.search(clean))
    action = next((action for action, pattern in _ACTION_PATTERNS if pattern.search(clean)), None)
    if action is ChatAction.INVENTORY and product_id is None and intent.category is not None:
        action = ChatAction.SEARCH
    if action is ChatAction.KNOWLEDGE and (
        (STOCK_QUESTION.search(clean) and not _ABOUT_THE_SHOP.search(clean)) or wants_products(clean, intent)
    ):
        action = ChatAction.SEARCH
    if (
        action is ChatAction.KNOWLEDGE
        and intent.category is not None
        and not _ASKS_SOMETHING.search(clean)
        and not _ABOUT_THE_SHOP.search(clean)
        and not _RETURNING.search(clean)
    ):
        action = ChatAction.SEARCH  # "sunscreen for oily skin": a product to find, not advice
    if _asks_how_returns_work(clean, intent.category, order_id):
        action = ChatAction.KNOWLEDGE
    if order_id is not None and action in (None, ChatAction.SEARCH):
        action = ChatAction.ORDER_STATUS  # "I want to return order ORD-1": about that order
    if action is None:
        action = ChatAction.PRODUCT_DETAILS if product_id and not intent.category else ChatAction.SEARCH
    if action is ChatAction.SEARCH and not (intent.category or intent.query or intent.brand):
        action = ChatAction.SMALLTALK
    return ChatTurn(
        action=action,
        intent=intent,
        product_id=product_id,
        order_id=order_id if action in (ChatAction.ORDER_STATUS, ChatAction.CANCEL_ORDER) else None,
        quantity=int(quantity_text) if quantity_text else None,
    )
