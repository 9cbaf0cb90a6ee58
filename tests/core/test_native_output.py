"""Native code's stderr output never interleaves with pakka's log lines: MediaPipe's C++ warnings become
`pakka.native` log records, and the MessageFactory line printed when its binding is imported is logged at
DEBUG instead of printed. Each case runs in a fresh interpreter, as `pakka serve` does."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300, check=True
    )


def test_what_native_code_writes_to_stderr_becomes_json_log_lines() -> None:
    result = run_python(
        """
        import logging, os, time
        from core.logging import configure_logging
        from core.native_output import route_native_stderr
        from core.settings import Settings

        route_native_stderr()
        configure_logging(Settings(_env_file=None, log_json=True))
        logging.getLogger("pakka.api").info("before")
        os.write(2, b"W0000 00:00:1.0 123 inference_feedback_manager.cc:114] Feedback manager\\n")
        os.write(2, b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\\n")
        time.sleep(0.5)
        logging.getLogger("pakka.api").info("after")
        """
    )

    records = [json.loads(line) for line in result.stderr.splitlines()]
    native = [
        (record["level"], record["message"][:8]) for record in records if record["logger"] == "pakka.native"
    ]
    assert native == [("WARNING", "W0000 00"), ("INFO", "INFO: Cr")]
    assert [record["message"] for record in records if record["logger"] == "pakka.api"] == ["before", "after"]


def test_importing_the_vision_models_prints_nothing() -> None:
    result = run_python("import tools.vision.models")

    assert result.stderr == ""
