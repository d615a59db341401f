"""bench/load.py's phones syncing through the app's test client, in one process (for
bench/instructions.py and bench/sync_stages.py): no gunicorn, no sockets, API tokens."""

import json

from bench.load import Phone


class Phones:
    """The bodies of `syncs` syncs of the phones whose tokens are given, made beforehand,
    and the requests that send them."""

    def __init__(self, client, plain_tokens: list[str], sites: list[dict], syncs: int):
        count = len(plain_tokens)
        batches = [Phone(n, sites[n % len(sites)]).batches() for n in range(count)]
        self.client = client
        self.headers = [{"Authorization": f"Bearer {token}"} for token in plain_tokens]
        self.bodies = [
            (n % count, json.dumps({"records": next(batches[n % count])}).encode())
            for n in range(syncs)
        ]

    def sync(self, first: int, last: int | None = None) -> None:
        """Send the bodies from the `first`-th up to the `last`-th (default: the end)."""
        for number, body in self.bodies[first:last]:
            answer = self.client.post(
                "/api/v1/sync",
                data=body,
                headers=self.headers[number],
                content_type="application/json",
            )
            assert answer.status_code == 200, answer.data[:300]

    def healthz(self, count: int) -> None:
        """Ask GET /healthz `count` times."""
        for _ in range(count):
            assert self.client.get("/healthz").status_code == 200
