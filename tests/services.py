"""The tests' Redis and Postgres servers: the same helpers as the benchmarks' (bench/services.py),
which need them without the test extras."""

from bench.services import PostgresServer, RedisServer

__all__ = ["PostgresServer", "RedisServer"]
