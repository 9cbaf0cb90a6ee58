"""The shopping chat's task suite (tau2-bench style, native to pakka): each task is a scripted shopper and the
criteria a conversation is judged by.

A task (evals/chat/tasks.yaml) has:
- `setup`: the shopper's world before the first turn: delivery `region` (sent with the first message),
  biometric `consent`, a stored `scan`, a `cart`, earlier `orders`, `remembered` preferences, and
  `inject` (text appended to a product's description for this task only);
- `turns`: what the shopper says, in order: a message, `{say, photo}` (a rendered foot photo attached),
  `{decide: approve|reject|edit}` (the answer to the order confirmation) or `{new_thread: true}`;
- `answers`: the shopper's replies to the assistant's questions (size, budget, region, which, cart_size,
  order_id), used whenever the assistant asks one (at most twice in a row), so the script branches on what
  the assistant asks;
- `expect`: the end state of the store (`orders`, `cart`), the tool calls that must happen (`calls`, an
  agentevals trajectory superset match on names and the listed arguments) and must not (`never`), facts the
  final reply must contain (`says`, any of `says_any`) and its language (`lang`).
Every trial also checks that each number in the assistant's replies comes from a tool result or from the
shopper (`grounded`).

A trial passes when every check passes; pass^k per task is the chance that k trials all pass (C(c,k)/C(n,k)
over n trials with c passes, as tau-bench defines it)."""

from __future__ import annotations

import dataclasses
import json
import math
import re
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml
from agentevals.trajectory.match import create_trajectory_match_evaluator
from langgraph.types import Command

from agents.rules.chat_replies import detect_lang
from api.streaming import run_events
from core.commerce.orders import OrderLineRequest, PlaceOrderRequest
from core.context import Attachment
from core.privacy import BIOMETRIC, ScanKind, record_consent, store_attributes
from evals.vision.foot_render import PhotoSpec, render_foot_photo
from graphs import chat_memory
from graphs.chat_memory import RememberedPreferences
from graphs.context import GraphContext
from graphs.registry import GRAPHS
from graphs.services import Services
from graphs.threads import ThreadRecord, config

HERE = Path(__file__).resolve().parent
TASKS = HERE / "tasks.yaml"
HOLDOUT = HERE / "holdout.yaml"
MAX_ANSWERS_IN_A_ROW = 2
WRITES = ["add_to_cart", "remove_from_cart", "place_order", "cancel_order"]

QUESTIONS: dict[str, re.Pattern[str]] = {
    "cart_size": re.compile(r"which size of|किस साइज़|kaunse size", re.IGNORECASE),
    "size": re.compile(r"what size|your size|साइज़ क्या|size kya|आपका साइज़", re.IGNORECASE),
    "budget": re.compile(r"budget|बजट", re.IGNORECASE),
    "region": re.compile(r"where should i deliver|city or pin|डिलीवरी कहाँ|delivery kahan", re.IGNORECASE),
    "order_id": re.compile(r"which order|कौन सा ऑर्डर|kaunsa order", re.IGNORECASE),
    "which": re.compile(r"which product|कौन सा प्रोडक्ट|kaunsa product", re.IGNORECASE),
}
_ENUMERATOR = re.compile(r"(?m)^\s*\d{1,2}\.\s")
"""A list's "1. ", "2. ": numbering, not a fact."""
HINGLISH_REPLY = frozenset(
    """
    hai hain kya aap aapka aapke aapki ko ke ki ka mein nahi kiya diya mile bolo batao karo raha rahega hoon
    sakta li liya naap chahiye yeh woh aur liye theek kuch phir abhi ho waisa rahega hamari hisaab
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?![\w])")


@dataclasses.dataclass
class Task:
    id: str
    category: str
    lang: str
    turns: list[Any]
    setup: dict[str, Any] = dataclasses.field(default_factory=dict)
    answers: dict[str, str] = dataclasses.field(default_factory=dict)
    expect: dict[str, Any] = dataclasses.field(default_factory=dict)


def load_tasks(path: Path = TASKS) -> list[Task]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Task(**item) for item in raw["tasks"]]


@dataclasses.dataclass
class Transcript:
    """What one trial saw: every event of every run, the shopper's messages and the assistant's replies."""

    events: list[tuple[str, Any]] = dataclasses.field(default_factory=list)
    said: list[str] = dataclasses.field(default_factory=list)
    replies: list[str] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)
    unexpected_confirmations: int = 0

    @property
    def tool_calls(self) -> list[dict[str, Any]]:
        return [data for name, data in self.events if name == "tool_call"]

    @property
    def tool_results(self) -> list[dict[str, Any]]:
        return [data for name, data in self.events if name == "tool_result"]


@dataclasses.dataclass
class Verdict:
    task: str
    category: str
    lang: str
    passed: bool
    failures: list[str]
    seconds: float = 0.0


class Shopper:
    """Plays one task against the chat graph, in process, through the API's own event stream."""

    def __init__(self, services: Services, task: Task, user_id: str) -> None:
        self.services = services
        self.task = task
        self.user_id = user_id
        self.tenant = services.settings.default_tenant
        self.spec = GRAPHS["chat"]
        self.threads = services.running_threads()
        self.graph = self.threads.graph(self.spec)
        self.transcript = Transcript()
        self.record: ThreadRecord | None = None
        self.pending: str | None = None
        self.first = True
        self.order_ids: list[str] = []

    async def prepare(self) -> None:
        setup = self.task.setup
        store, tenant, user = self.services.store, self.tenant, self.user_id
        if setup.get("consent") or setup.get("scan"):
            record_consent(store, tenant, user, BIOMETRIC, True, pseudonyms=self.services.pseudonyms)
        for kind, values in (setup.get("scan") or {}).items():
            store_attributes(store, tenant, user, ScanKind(kind), values)
        for line in setup.get("cart") or []:
            self.services.carts.add(tenant, user, line["product_id"], line["size"], line.get("quantity", 1))
        for items in setup.get("orders") or []:
            request = PlaceOrderRequest(
                user_id=user,
                items=[OrderLineRequest(**item) for item in items],
                region=setup.get("region") or "mumbai",
            )
            placed = self.services.orders.place(tenant, request, idempotency_key=None, actor="eval")
            self.order_ids.append(placed.order.id)
        if setup.get("remembered"):
            remembered = RememberedPreferences.model_validate(setup["remembered"])
            await chat_memory.remember(self.services.memory, tenant, user, remembered)  # type: ignore[arg-type]
        await self.new_thread()

    async def new_thread(self) -> None:
        self.record = await self.threads.create(self.spec, self.tenant, self.user_id)
        self.pending = None
        self.first = True

    async def play(self) -> Transcript:
        await self.prepare()
        turns = list(self.task.turns)
        for index, turn in enumerate(turns):
            following = turns[index + 1] if index + 1 < len(turns) else None
            await self.turn(turn)
            if self.pending and not (isinstance(following, dict) and "decide" in following):
                self.transcript.unexpected_confirmations += 1
                await self.resume({"type": "reject", "message": "I did not ask for that"})
        return self.transcript

    async def turn(self, turn: Any) -> None:
        if isinstance(turn, dict) and turn.get("new_thread"):
            await self.new_thread()
            return
        if isinstance(turn, dict) and "decide" in turn:
            if self.pending is None:
                self.transcript.errors.append(f"no confirmation to {turn['decide']}")
                return
            decision = {
                "type": turn["decide"],
                **{key: turn[key] for key in ("args", "message") if key in turn},
            }
            await self.resume(decision)
            return
        text, photo = (turn, None) if isinstance(turn, str) else (turn["say"], turn.get("photo"))
        await self.say(text, photo)
        for _ in range(MAX_ANSWERS_IN_A_ROW):
            if self.pending:
                return
            answer = self.answer_for(self.transcript.replies[-1] if self.transcript.replies else "")
            if answer is None:
                return
            await self.say(
                answer.replace("{order_id}", self.order_ids[-1]) if self.order_ids else answer, None
            )

    def answer_for(self, reply: str) -> str | None:
        for question, pattern in QUESTIONS.items():
            if pattern.search(reply):
                answer = self.task.answers.get(question)
                if answer is None and question == "cart_size":
                    answer = self.task.answers.get("size")
                return answer
        return None

    async def say(self, text: str, photo: Mapping[str, Any] | None) -> None:
        if self.order_ids:
            text = text.replace("{order_id}", self.order_ids[-1])
        payload: dict[str, Any] = {"message": text}
        if self.first and self.task.setup.get("region"):
            payload["region"] = self.task.setup["region"]
        self.first = False
        attachment = None
        if photo is not None:
            spec = PhotoSpec(foot_length_mm=float(photo["length_mm"]), foot_width_mm=float(photo["width_mm"]))
            attachment = Attachment(data=render_foot_photo(spec).jpeg, kind=photo.get("kind", "foot"))
        self.transcript.said.append(text)
        await self.run(payload, attachment)

    async def resume(self, decision: dict[str, Any]) -> None:
        assert self.pending is not None
        command = Command(resume={self.pending: {"decisions": [decision]}})
        await self.run(command, None)

    async def run(self, payload: Any, attachment: Attachment | None) -> None:
        assert self.record is not None
        context = GraphContext(
            services=self.services, tenant_id=self.tenant, user_id=self.user_id, attachment=attachment
        )
        self.pending = None
        events = run_events(self.spec, self.graph, payload, context=context, config=config(self.record))
        async for event in events:
            data = json.loads(event.data) if event.data else None
            self.transcript.events.append((str(event.event), data))
            if event.event == "message":
                self.transcript.replies.append(data["content"])
            elif event.event == "interrupt":
                self.pending = data["id"]
            elif event.event == "error":
                self.transcript.errors.append(f"{data['code']}: {data['message']}")


# -- judging -----------------------------------------------------------------------------------------------

TRAJECTORY = create_trajectory_match_evaluator(
    trajectory_match_mode="superset", tool_args_match_mode="superset"
)


def judge(task: Task, transcript: Transcript, services: Services, user_id: str) -> list[str]:
    """The failed criteria of one trial (empty: it passed)."""
    expect = task.expect
    failures = [f"error: {error}" for error in transcript.errors]
    if transcript.unexpected_confirmations:
        failures.append("asked to confirm an order or cancellation the shopper did not ask for")
    called = [call["name"] for call in transcript.tool_calls]
    if expect.get("calls"):
        outputs = [{"role": "assistant", "content": "", "tool_calls": openai_calls(transcript.tool_calls)}]
        reference = [{"role": "assistant", "content": "", "tool_calls": openai_calls(expect["calls"])}]
        if not TRAJECTORY(outputs=outputs, reference_outputs=reference)["score"]:
            failures.append(f"calls: expected {expect['calls']}, got {transcript.tool_calls}")
    never = WRITES if expect.get("never") == "writes" else expect.get("never") or []
    made = sorted(set(called) & set(never))
    if made:
        failures.append(f"never: called {made}")
    if expect.get("no_calls") and called:
        failures.append(f"no_calls: called {called}")
    asked = " ".join(
        request.get("description", "")
        for name, data in transcript.events
        if name == "interrupt"
        for request in data.get("action_requests", [])
    )
    for fact in expect.get("confirmation_says") or []:
        if fact.lower() not in asked.lower():
            failures.append(f"confirmation_says: {fact!r} not in {asked[:200]!r}")
    final = transcript.replies[-1] if transcript.replies else ""
    for fact in expect.get("says") or []:
        if _fact(fact, transcript).lower() not in final.lower():
            failures.append(f"says: {fact!r} not in {final[:200]!r}")
    if expect.get("says_any") and not any(
        _fact(fact, transcript).lower() in final.lower() for fact in expect["says_any"]
    ):
        failures.append(f"says_any: none of {expect['says_any']} in {final[:200]!r}")
    lang = expect.get("lang") or task.lang
    if final and not _in_language(final, lang):
        failures.append(f"lang: the reply is not in {lang}: {final[:120]!r}")
    failures += _store_failures(expect, services, user_id)
    ungrounded = ungrounded_numbers(transcript)
    if ungrounded:
        failures.append(f"grounded: numbers from nowhere {sorted(ungrounded)}")
    return failures


def openai_calls(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "id": f"c{index}",
            "type": "function",
            "function": {"name": call["name"], "arguments": json.dumps(call.get("args") or {})},
        }
        for index, call in enumerate(calls)
    ]


def _fact(fact: str, transcript: Transcript) -> str:
    """A fact with `{order_id}` filled from the last order a tool returned."""
    if "{order_id}" not in fact:
        return fact
    ids = [
        json.loads(result["content"]).get("order_id")
        for result in transcript.tool_results
        if result["ok"]
        and result["name"] in ("place_order", "cancel_order", "order_status")
        and result["content"].startswith("{")
    ]
    known = [order_id for order_id in ids if order_id]
    return fact.replace("{order_id}", known[-1] if known else "<no order>")


def _in_language(text: str, lang: str) -> bool:
    devanagari = bool(re.search(r"[\u0900-\u097F]", text))
    if lang == "hi":
        return devanagari
    words = set(re.findall(r"[a-z]+", text.lower()))
    if lang == "hinglish":
        return not devanagari and len(words & HINGLISH_REPLY) >= 1
    return not devanagari and detect_lang(text, "en") == "en"


def _store_failures(expect: Mapping[str, Any], services: Services, user_id: str) -> list[str]:
    failures: list[str] = []
    tenant = services.settings.default_tenant
    if "orders" in expect:
        orders = services.orders.list_for_user(tenant, user_id, limit=20)
        wanted = expect["orders"]
        actual = [
            {
                "status": order.status.value,
                "lines": [(line.product_id, line.size, line.quantity) for line in order.items],
            }
            for order in orders
        ]
        if not _orders_match_any(actual, wanted):
            failures.append(f"orders: expected {wanted}, got {actual}")
    if "cart" in expect:
        cart = services.carts.view(tenant, user_id)
        wanted_cart = expect["cart"]
        lines = [(line.product_id, line.size, line.quantity) for line in cart.items]
        if "lines" in wanted_cart and len(lines) != wanted_cart["lines"]:
            failures.append(f"cart: expected {wanted_cart['lines']} lines, got {lines}")
        for item in wanted_cart.get("items") or []:
            if not any(_line_matches(line, item) for line in lines):
                failures.append(f"cart: no line {item} in {lines}")
    return failures


def _orders_match_any(actual: list[dict[str, Any]], wanted: list[dict[str, Any]]) -> bool:
    if len(actual) != len(wanted):
        return False
    remaining = list(actual)
    for want in wanted:
        match = next((order for order in remaining if _order_matches(order, want)), None)
        if match is None:
            return False
        remaining.remove(match)
    return True


def _order_matches(order: dict[str, Any], want: Mapping[str, Any]) -> bool:
    if want.get("status") and order["status"] != want["status"]:
        return False
    return all(any(_line_matches(line, item) for line in order["lines"]) for item in want.get("items") or [])


def _line_matches(line: tuple[str, str, int], item: Mapping[str, Any]) -> bool:
    product_id, size, quantity = line
    return (
        item.get("product_id") in (None, product_id)
        and item.get("size") in (None, size)
        and item.get("quantity") in (None, quantity)
    )


def _numbers(text: str) -> set[str]:
    return {_canonical(found) for found in _NUMBER.findall(text)}


def _canonical(number: str) -> str:
    plain = number.replace(",", "")
    try:
        value = float(plain)
    except ValueError:
        return plain
    return f"{value:g}" if not value.is_integer() else str(int(value))


def ungrounded_numbers(transcript: Transcript) -> set[str]:
    """Numbers in the assistant's replies that no tool result and no shopper message holds."""
    known: set[str] = set()
    for text in transcript.said:
        known |= _numbers(text)
    for result in transcript.tool_results:
        known |= {_canonical(found) for found in re.findall(r"\d+(?:\.\d+)?", result["content"])}
        for found in re.findall(r"(?<![\w.])0\.\d+", result["content"]):
            known.add(str(round(float(found) * 100)))
    for call in transcript.tool_calls:
        known |= _numbers(json.dumps(call["args"]))
    said: set[str] = set()
    for reply in transcript.replies:
        said |= _numbers(_ENUMERATOR.sub("", reply))
    return said - known


# -- pass^k ------------------------------------------------------------------------------------------------


def pass_hat_k(successes: int, trials: int, k: int) -> float:
    """tau-bench's pass^k for one task: the chance that k of its n trials, drawn without replacement, all
    pass."""
    if trials < k:
        return math.nan
    return math.comb(successes, k) / math.comb(trials, k)


def table(verdicts: list[list[Verdict]], ks: tuple[int, ...]) -> list[dict[str, Any]]:
    """Rows per category (and "all", and per language): tasks, pass^k for each k."""
    by_task: dict[str, list[Verdict]] = {}
    for trial in verdicts:
        for verdict in trial:
            by_task.setdefault(verdict.task, []).append(verdict)
    groups: dict[str, list[list[Verdict]]] = {}
    for runs in by_task.values():
        first = runs[0]
        for group in (first.category, f"lang:{first.lang}", "all"):
            groups.setdefault(group, []).append(runs)
    rows = []
    for group, tasks in groups.items():
        row: dict[str, Any] = {"group": group, "tasks": len(tasks)}
        for k in ks:
            row[f"pass^{k}"] = sum(
                pass_hat_k(sum(v.passed for v in runs), len(runs), k) for runs in tasks
            ) / len(tasks)
        rows.append(row)
    order = {"all": 2}
    return sorted(
        rows,
        key=lambda row: (order.get(row["group"], 1 if row["group"].startswith("lang:") else 0), row["group"]),
    )


def new_user(task: Task, trial: int) -> str:
    return f"eval-{task.id}-{trial}-{uuid.uuid4().hex[:6]}"


Injector = Callable[[], None]


def inject(services: Services, task: Task) -> Injector:
    """Append the task's injected text to a product's description; returns the undo."""
    spec = task.setup.get("inject")
    if not spec:
        return lambda: None
    tenant = services.settings.default_tenant
    product = services.store.products.get(tenant, spec["product_id"])
    assert product is not None, spec
    services.store.products.put(
        product.model_copy(update={"description": f"{product.description} {spec['text']}"})
    )
    return lambda: services.store.products.put(product)
