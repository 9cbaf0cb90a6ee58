"""`pakka demo` and `pakka samples`: a new user's first walk through pakka, in one command.

`pakka demo` starts the API on a throwaway data directory (the demo catalog seeded; your own data is never
touched) or uses a running one (`--url`), then does what a shopper's app does, printing each request:
sign in (the one-time code comes from the server's log, as on the embedded setup), give biometric consent,
scan a foot from the sample photo shipped with pakka, ask for footwear recommendations, and order the first
one in the size the scan chose. `pakka samples DIR` copies the sample photos out, to scan them yourself.

The sample photos (api/samples/) are the project's own renders (evals/vision/samples.py).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from core.cli_support import console, error_console, print_error

SAMPLES = {
    "foot-on-a4.jpg": "a foot (262 x 100 mm) on an A4 sheet, from above: POST /v1/scan/foot",
    "body-front.jpg": "a figure 170.2 cm tall, from the front: POST /v1/scan/body with height_cm=170.2",
}
DEMO_PHONE = "+919876543210"
CODE_LINE = re.compile(r"login code for phone ending \d+: (\d{6})")

demo_app = typer.Typer(help="A walk through pakka: sign in, consent, scan, recommend, order.")
samples_app = typer.Typer(help="Copy the sample photos (a foot on A4, a body) to scan them yourself.")


def sample_path(name: str) -> Path:
    return Path(str(files("api") / "samples" / name))


@samples_app.command("samples")
def samples(
    directory: Annotated[Path, typer.Argument(help="Where to copy the sample photos.")] = Path(
        "pakka-samples"
    ),
) -> None:
    """Copy the sample photos (a foot on A4, a body) to scan them yourself.

    Writes them to DIRECTORY and shows how to scan them."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, what in SAMPLES.items():
        shutil.copyfile(sample_path(name), directory / name)
        console.print(f"{escape(str(directory / name))}: {escape(what)}")
    console.print(
        "scan one (with a shopper's token and biometric consent, as `pakka demo` shows):\n"
        f'  curl -s -X POST localhost:8000/v1/scan/foot -H "Authorization: Bearer $token" '
        f"-F image=@{directory / 'foot-on-a4.jpg'}"
    )


@demo_app.command("demo")
def demo(
    url: Annotated[
        str | None,
        typer.Option(help="A running pakka API to use; default: start one on a throwaway data directory."),
    ] = None,
    token: Annotated[
        str | None, typer.Option(help="A shopper's access token for --url (default: sign in with a code).")
    ] = None,
    region: Annotated[str, typer.Option(help="Where the order is delivered.")] = "mumbai",
    budget_inr: Annotated[int, typer.Option(min=1, help="Budget for the recommendations.")] = 4000,
) -> None:
    """A walk through pakka: sign in, consent, scan, recommend, order.

    Signs in, gives consent, scans the sample foot photo, asks for recommendations and orders the first one,
    showing each request as the curl a person would type."""
    with _api(url) as (base_url, codes):
        walk = Walk(base_url)
        walk.sign_in(token, codes)
        walk.run(region, budget_inr)


class CodeCatcher(logging.Handler):
    """Reads sign-in codes from the in-process server's log, as a person reads them on its console."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.codes: list[str] = []
        self.arrived = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if found := CODE_LINE.search(record.getMessage()):
            self.codes.append(found.group(1))
            self.arrived.set()


@contextmanager
def _api(url: str | None) -> Iterator[tuple[str, CodeCatcher | None]]:
    if url is not None:
        yield url.rstrip("/"), None
        return
    import socket

    import uvicorn

    from core.native_output import python_stderr_logged, route_native_stderr
    from core.settings import Settings

    route_native_stderr()
    with python_stderr_logged():
        from api.app import create_app
    with tempfile.TemporaryDirectory(prefix="pakka-demo-") as data_dir:
        # Its own embedded stores whatever the environment names; a lexical index, ready in a second.
        settings = Settings(
            data_dir=Path(data_dir),
            store="sqlite",
            checkpointer="sqlite",
            opensearch_url=None,
            embedding_model="none",
            seed_demo_data=True,
            log_level="WARNING",
            _env_file=None,
        )
        from core.logging import configure_logging

        configure_logging(settings)
        catcher = CodeCatcher()
        logging.getLogger("pakka.auth").addHandler(catcher)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(
                create_app(settings), host="127.0.0.1", port=port, log_config=None, access_log=False
            )
        )
        thread = threading.Thread(target=server.run, name="pakka-demo-api", daemon=True)
        error_console.print(f"[dim]starting the API on a throwaway data directory ({data_dir})...[/dim]")
        thread.start()
        try:
            while not server.started:
                if not thread.is_alive():
                    raise typer.Exit(code=1)
                time.sleep(0.05)
            yield f"http://127.0.0.1:{port}", catcher
        finally:
            server.should_exit = True
            thread.join(timeout=60)
            logging.getLogger("pakka.auth").removeHandler(catcher)


class Walk:
    """The shopper's steps against `base_url`, each request printed as the curl a person would type."""

    def __init__(self, base_url: str) -> None:
        import httpx

        self.base_url = base_url
        self.http = httpx.Client(base_url=base_url, timeout=300)
        self.headers: dict[str, str] = {}
        self.step = 0

    def say(self, title: str) -> None:
        self.step += 1
        console.print(f"\n[bold]{self.step}. {escape(title)}[/bold]")

    def call(self, method: str, path: str, *, shown: str = "", **kwargs: Any) -> Any:
        auth = ' -H "Authorization: Bearer $token"' if self.headers else ""
        console.print(f"[dim]$ curl -X {method} {escape(self.base_url + path)}{auth}{escape(shown)}[/dim]")
        response = self.http.request(method, path, headers=self.headers, **kwargs)
        if response.status_code >= 400:
            error = response.json().get("error", {}) if response.content else {}
            print_error(
                error.get("code", str(response.status_code)),
                f"{method} {path} answered {response.status_code}: {error.get('message', response.text)}",
                details=error.get("details"),
            )
            raise typer.Exit(code=1)
        return response.json() if response.content else None

    def sign_in(self, token: str | None, codes: CodeCatcher | None) -> None:
        self.say("Sign in with a one-time code")
        if token is not None:
            self.headers = {"Authorization": f"Bearer {token}"}
            console.print("using the token given with --token")
            return
        if codes is None:
            print_error("INVALID_INPUT", "with --url, pass --token (the code goes to the server's own log)")
            raise typer.Exit(code=2)
        body = {"phone": DEMO_PHONE}
        self.call("POST", "/v1/auth/otp", json=body, shown=f" -d '{json.dumps(body)}'")
        if not codes.arrived.wait(30):
            print_error("INTERNAL", "no sign-in code appeared in the server's log")
            raise typer.Exit(code=1)
        console.print(
            f"the server's log says: login code for phone ending {DEMO_PHONE[-4:]}: {codes.codes[-1]}"
        )
        body = {"phone": DEMO_PHONE, "code": codes.codes[-1]}
        tokens = self.call("POST", "/v1/auth/token", json=body, shown=f" -d '{json.dumps(body)}'")
        self.headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        console.print("signed in: an access token for the shopper ($token below)")

    def run(self, region: str, budget_inr: int) -> None:
        self.say("Give biometric consent (scans need it)")
        body = {"consent_type": "biometric", "granted": True}
        self.call("POST", "/v1/consent", json=body, shown=f" -d '{json.dumps(body)}'")
        console.print("consent recorded")

        self.say("Scan a foot: the sample photo of a foot on an A4 sheet")
        photo = sample_path("foot-on-a4.jpg")
        scan = self.call(
            "POST",
            "/v1/scan/foot",
            files={"image": (photo.name, photo.read_bytes(), "image/jpeg")},
            shown=f" -F image=@{photo}",
        )
        foot = scan["scan"]
        guidance = scan.get("size_guidance") or {}
        console.print(
            f"foot {foot['length_mm']:.1f} ± {foot['length_sigma_mm']:.1f} mm long, "
            f"{foot['width_mm']:.1f} mm wide (true: 262 x 100 mm); standard size UK {guidance.get('uk', '?')}"
        )

        self.say(f"Recommendations: footwear under ₹{budget_inr:,} in stock in {region}")
        body = {"category": "footwear", "budget_inr": budget_inr, "region": region}
        result = self.call("POST", "/v1/recommendations", json=body, shown=f" -d '{json.dumps(body)}'")
        picks = result.get("recommendations", [])
        for pick in picks:
            console.print(
                f"  {pick['confidence']:.0%}  {escape(pick['name'])}, size {pick['size']}, "
                f"₹{float(pick['price_inr']):,.0f}"
            )
        for line in result.get("guidance", []):
            console.print(f"  [dim]{escape(line)}[/dim]")
        if not picks:
            console.print("no product is a sure enough fit: nothing to order")
            return
        if picks[0].get("explanation"):
            console.print(f"why the first: {escape(picks[0]['explanation'])}")

        self.say("Order the first one, in the size the scan chose, cash on delivery")
        body = {
            "region": region,
            "payment_method": "cod",
            "items": [{"product_id": picks[0]["product_id"], "size": picks[0]["size"], "quantity": 1}],
        }
        order = self._order(body)
        console.print(f"order {order['id']}: {order['status']}, total ₹{float(order['total_inr']):,.0f}")
        console.print(
            "\nThat is the whole loop. The sample photos: `pakka samples DIR`; the API's docs: /docs on the "
            "server; the README's examples run as written against `pakka serve`."
        )

    def _order(self, body: dict[str, Any]) -> Any:
        self.headers = {**self.headers, "Idempotency-Key": f"pakka-demo-{time.time_ns()}"}
        try:
            return self.call("POST", "/v1/orders", json=body, shown=f" -d '{json.dumps(body)}'")
        finally:
            self.headers.pop("Idempotency-Key")
