"""The run context as the graphs declare it (`context_schema`): pakka's `AppContext`, with services that
default to the process's own, so hosts that build the context themselves (`langgraph dev`, LangGraph Studio,
the LangGraph SDK) run every registered graph with no code of ours in between.

Its JSON schema (what Studio shows and the LangGraph server filters a run's context by) lists only the plain
fields: tenant_id, user_id, region."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from langgraph.runtime import Runtime
from pydantic import ConfigDict, InstanceOf
from pydantic.json_schema import SkipJsonSchema

from core.context import AppContext, Attachment
from graphs.services import Services, process_services


@dataclass(kw_only=True)
class GraphContext(AppContext):
    __pydantic_config__ = ConfigDict(arbitrary_types_allowed=True)

    services: Annotated[InstanceOf[Services], SkipJsonSchema()] = field(default_factory=process_services)
    attachment: Annotated[InstanceOf[Attachment] | None, SkipJsonSchema()] = field(default=None, repr=False)


def run_context(runtime: Runtime[AppContext]) -> AppContext:
    """The run's context; a host that passed none (a plain LangGraph server run) gets the process's services
    and the default tenant."""
    if runtime.context is not None:
        return runtime.context
    services = process_services()
    return GraphContext(services=services, tenant_id=services.settings.default_tenant)
