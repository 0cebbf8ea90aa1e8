"""What the HTTP handlers and sockets share: config, store, broker, rooms, methods."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from facilitation_methods import Method
from server.broker.base import Broker
from server.config import Config
from server.http.ratelimit import CreationGuard, JoinGuard
from server.store.base import Store
from server.sync.limits import AddressCounter
from server.sync.rooms import Rooms


@dataclass
class Services:
    config: Config
    store: Store
    broker: Broker
    rooms: Rooms
    join_guard: JoinGuard
    methods: dict[str, Method]
    connections: AddressCounter
    creations: CreationGuard


def services_of(connection: HTTPConnection) -> Services:
    """The app's services, from a request or a WebSocket."""
    services: Services = connection.app.state.services
    return services
