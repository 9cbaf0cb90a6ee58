"""What the registry knows about one graph (graphs/registry.py lists them)."""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph.state import CompiledStateGraph
from langgraph.store.base import BaseStore

Compiled = CompiledStateGraph[Any, Any, Any, Any]


@dataclass(frozen=True, eq=False)
class GraphSpec:
    """One graph: its name, the compiled graph (without persistence: what `langgraph dev` loads, and what
    single-shot routes run), its input and output schemas, whether it keeps threads, and how its run streams.

    `result_events` maps a state key to the SSE event its value is sent as when a node writes it (e.g.
    "result" -> `result`); `token_nodes` names the nodes whose model tokens stream as `token` events (a graph
    whose model calls write structured data, such as the decision graph's explanations, streams none);
    `message_nodes` names the nodes whose final model answer (text, no tool call) is sent as a `message`
    {role, content} event. `attachment_input` names the input key of a photo the API takes out of the input
    before the run (base64) and hands to the run's context (`AppContext.attachment`), so it never reaches
    graph state or a checkpoint."""

    name: str
    description: str
    graph: Compiled
    input_schema: type[Any]
    output_schema: type[Any]
    keeps_threads: bool = False
    result_events: Mapping[str, str] = field(default_factory=dict)
    token_nodes: frozenset[str] = frozenset()
    message_nodes: frozenset[str] = frozenset()
    attachment_input: str | None = None
    _persistent: weakref.WeakKeyDictionary[
        BaseCheckpointSaver[str], CompiledStateGraph[Any, Any, Any, Any]
    ] = field(default_factory=weakref.WeakKeyDictionary, repr=False)

    def with_persistence(self, checkpointer: BaseCheckpointSaver[str], store: BaseStore) -> Compiled:
        """The same graph compiled with a checkpointer and long-term store (once per checkpointer)."""
        compiled = self._persistent.get(checkpointer)
        if compiled is None:
            compiled = self.graph.builder.compile(checkpointer=checkpointer, store=store, name=self.name)
            self._persistent[checkpointer] = compiled
        return compiled
