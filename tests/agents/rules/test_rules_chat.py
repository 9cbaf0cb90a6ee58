"""Chat actions: what a message asks the assistant to do, and the ids it names."""

from __future__ import annotations

import pytest

from agents.rules.chat import understand_turn
from agents.schemas import ChatAction


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("show me red kurtas under 2000", ChatAction.SEARCH),
        ("kaale joote dikhao", ChatAction.SEARCH),
        ("tell me more about prd_42", ChatAction.PRODUCT_DETAILS),
        ("is prd_42 available in size 9?", ChatAction.INVENTORY),
        ("add prd_123 size M to my cart", ChatAction.ADD_TO_CART),
        ("ise cart me daal do", ChatAction.ADD_TO_CART),
        ("remove prd_7 from cart", ChatAction.REMOVE_FROM_CART),
        ("mera cart dikhao", ChatAction.VIEW_CART),
        ("place the order", ChatAction.PLACE_ORDER),
        ("order kar do", ChatAction.PLACE_ORDER),
        ("where is my order ord_abc123", ChatAction.ORDER_STATUS),
        ("mera order kab aayega?", ChatAction.ORDER_STATUS),
        ("cancel order ord_9f2", ChatAction.CANCEL_ORDER),
        ("which size should I buy in Nike shoes?", ChatAction.RECOMMEND),
        ("is niacinamide good for oily skin?", ChatAction.KNOWLEDGE),
        ("namaste", ChatAction.SMALLTALK),
    ],
)
def test_actions(text: str, action: ChatAction) -> None:
    assert understand_turn(text).action is action


def test_ids_and_quantity_are_taken_from_the_message() -> None:
    turn = understand_turn("add 2 pcs of prd_9 size L to my cart")

    assert (turn.product_id, turn.quantity, turn.intent.size) == ("prd_9", 2, "L")


def test_an_order_id_is_kept_only_for_order_actions() -> None:
    assert understand_turn("cancel order ord_12").order_id == "ord_12"
    assert understand_turn("show me shoes").order_id is None


@pytest.mark.parametrize(
    "text",
    [
        "mera order kab tak aayega",
        "parcel kab milega?",
        "kab tak aaegi meri kurti",
        "delivery kab hogi",
        "when will I get my order?",
        "bhai mera parcel abhi tak nahi aaya",
        "I still have not received my order",
        "my parcel hasn't arrived yet",
    ],
)
def test_hinglish_and_english_ways_of_asking_when_an_order_arrives(text: str) -> None:
    assert understand_turn(text).action is ChatAction.ORDER_STATUS


@pytest.mark.parametrize(
    "text",
    [
        "vitamin c serum for oily skin not more than 1k",
        "I need a moisturiser for dry skin",
        "sunscreen for oily skin dikhao",
    ],
)
def test_asking_for_a_product_by_skin_type_is_shopping(text: str) -> None:
    assert understand_turn(text).action is ChatAction.SEARCH


@pytest.mark.parametrize(
    "text", ["which serum suits oily skin?", "is niacinamide ok for oily skin?", "what is the return policy"]
)
def test_advice_questions_about_skin_stay_with_the_guides(text: str) -> None:
    assert understand_turn(text).action is ChatAction.KNOWLEDGE


@pytest.mark.parametrize(
    "text",
    [
        "mera size 8 aur 9 ke beech hai, kaunsa lu?",
        "I am between sizes 8 and 9",
        "between uk 8 and 9, which one?",
        "मेरा साइज़ 8 और 9 के बीच है",
    ],
)
def test_being_between_two_sizes_is_a_question_for_the_guides(text: str) -> None:
    assert understand_turn(text).action is ChatAction.KNOWLEDGE


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("spf 50 sunscreen for sensitive skin", ChatAction.SEARCH),
        ("moisturiser for dry skin", ChatAction.SEARCH),
        ("which serum suits oily skin", ChatAction.KNOWLEDGE),
        ("difference between serum and toner", ChatAction.KNOWLEDGE),
        ("size chart for kurta", ChatAction.KNOWLEDGE),
        ("return policy for shoes", ChatAction.KNOWLEDGE),
    ],
)
def test_a_product_named_with_a_skin_type_is_shopping_unless_something_is_asked(
    text: str, action: ChatAction
) -> None:
    assert understand_turn(text).action is action


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("I want to return my shoes, they are too tight", ChatAction.KNOWLEDGE),
        ("exchange these sneakers for a bigger size", ChatAction.KNOWLEDGE),
        ("return gifts for kids", ChatAction.SEARCH),
    ],
)
def test_returning_something_the_shopper_has_is_a_question_for_the_guides(
    text: str, action: ChatAction
) -> None:
    assert understand_turn(text).action is action
