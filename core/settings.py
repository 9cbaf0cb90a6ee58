"""The one settings class: every knob comes from PAKKA_* environment variables or a `.env` file."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_MODEL_TIERS = [
    "bedrock:apac.anthropic.claude-sonnet-4-20250514-v1:0",
    "bedrock:apac.anthropic.claude-3-haiku-20240307-v1:0",
    "bedrock:apac.amazon.nova-lite-v1:0",
    "bedrock:meta.llama3-70b-instruct-v1:0",
    "rules",
]


class Settings(BaseSettings):
    """Runtime configuration, read once at start-up and passed down (never imported as a global)."""

    model_config = SettingsConfigDict(env_prefix="PAKKA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path(".pakka"), description="Where the SQLite files live.")
    store: Literal["sqlite", "dynamodb"] = Field(default="sqlite", description="Commerce/user store backend.")
    sqlite_path: Path | None = Field(
        default=None, description="SQLite store file; default DATA_DIR/pakka.db."
    )

    dynamodb_endpoint_url: str | None = Field(
        default=None, description="e.g. http://127.0.0.1:5000 for moto."
    )
    dynamodb_region: str = Field(default="ap-south-1")
    dynamodb_table_prefix: str = Field(default="pakka_", pattern=r"^[A-Za-z0-9_.-]{0,64}$")

    checkpointer: Literal["sqlite", "postgres"] = Field(default="sqlite")
    checkpoint_sqlite_path: Path | None = Field(default=None, description="Default DATA_DIR/checkpoints.db.")
    memory_sqlite_path: Path | None = Field(
        default=None, description="The graphs' long-term store (per-user memory); default DATA_DIR/memory.db."
    )
    postgres_url: str | None = Field(default=None, description="postgresql://user@host:port/db")

    opensearch_url: str | None = Field(
        default=None, description="e.g. https://user:pass@search.internal:9200"
    )
    opensearch_index_prefix: str = Field(default="pakka", pattern=r"^[a-z0-9][a-z0-9_-]{0,40}$")
    opensearch_hybrid: Literal["pipeline", "client_rrf"] = Field(
        default="client_rrf",
        description="pipeline: neural-search hybrid query with min_max normalization (OpenSearch >= 2.10); "
        "client_rrf: lexical and k-NN queries fused by reciprocal rank fusion, like the embedded backend.",
    )

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool | None = Field(
        default=None,
        description="One JSON object per log line; false: readable console lines. Unset: console lines when "
        "stderr is a terminal, JSON otherwise (a file, a pipe, a log collector).",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    default_tenant: str = Field(default="demo", pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    seed_demo_data: bool = Field(default=True, description="Load the demo catalog on first start.")
    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="Larger JSON bodies get 413.")
    reservation_ttl_minutes: int = Field(default=30, ge=1)
    reservation_sweep_seconds: float = Field(default=60.0, gt=0)
    pseudonym_secret: SecretStr | None = Field(
        default=None,
        description="Key of the HMAC that pseudonymises erased shoppers; unset: a random key generated once "
        "into DATA_DIR/pseudonym.key.",
    )

    auth: bool = Field(
        default=True,
        description="Bearer tokens on every route but the public catalog; PAKKA_AUTH=off is for local "
        "experiments only (every start logs a warning).",
    )
    auth_secret: SecretStr | None = Field(
        default=None,
        description="HMAC key that signs access tokens; unset: a random key generated once into "
        "DATA_DIR/auth.key (so `pakka auth token` and the API on one data dir agree).",
    )
    auth_access_ttl_s: int = Field(default=900, ge=30, le=86_400, description="Access-token lifetime.")
    auth_refresh_ttl_s: int = Field(
        default=30 * 86_400, ge=300, description="How long a sign-in lasts without a new OTP."
    )
    otp_sender: Literal["console", "sns"] = Field(
        default="console", description="console: a log line with the code; sns: an SMS through Amazon SNS."
    )
    otp_ttl_s: int = Field(default=300, ge=30, le=3600)
    otp_max_attempts: int = Field(default=5, ge=1, le=20)
    sns_region: str = Field(default="ap-south-1")
    sns_endpoint_url: str | None = Field(default=None)
    sns_sender_id: str | None = Field(
        default=None, max_length=11, description="SMS sender id, where allowed."
    )

    rate_limits_enabled: bool = Field(default=True, description="false turns every rate limit off.")
    rate_limit_per_minute: float = Field(default=100, gt=0, description="Per signed-in principal.")
    rate_limit_burst: int = Field(default=200, ge=1)
    rate_limit_anonymous_per_minute: float = Field(default=10, gt=0, description="Per client address.")
    rate_limit_anonymous_burst: int = Field(default=20, ge=1)
    scan_sheet: Literal["A4", "Letter", "auto"] = Field(
        default="A4",
        description="The paper a foot stands on: A4, India's standard sheet (and what the scan screen asks "
        "for), Letter, or auto (told apart by shape; a sheet seen at an angle often reads between the two).",
    )
    scan_limit_per_hour: float = Field(default=5, gt=0, description="Scans per shopper.")
    scan_concurrency: int = Field(
        default=2, ge=1, le=64, description="Photos decoded and measured at once; the rest wait (memory)."
    )
    scan_check_limit_per_minute: float = Field(
        default=30, gt=0, description="Live capture checks per shopper (the capture guide sends 24 a minute)."
    )
    scan_check_concurrency: int = Field(
        default=1, ge=1, le=64, description="Capture checks run at once, beside the scans; more are 503 BUSY."
    )
    otp_limit_per_window: int = Field(default=3, ge=1, description="Login codes sent per phone ...")
    otp_limit_window_minutes: float = Field(default=10, gt=0, description="... per this many minutes.")
    redis_url: str | None = Field(
        default=None, description="redis://host:6379/0: rate limits shared by every API process."
    )

    decision_cache_mb: float = Field(
        default=64,
        ge=0,
        description="Memory for answers of POST /v1/recommendations kept for repeats (per process); 0: none.",
    )
    decision_cache_ttl_s: float = Field(
        default=600, gt=0, description="A kept answer is recomputed after this long even if nothing changed."
    )

    model_tiers: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_MODEL_TIERS),
        description="Comma-separated tiers tried in order: bedrock:<model-id>, llamacpp:<path.gguf>, rules.",
    )
    bedrock_region: str = Field(default="ap-south-1")
    bedrock_endpoint_url: str | None = Field(default=None)
    bedrock_use_instance_metadata: bool = Field(
        default=False, description="Also look for credentials in EC2/ECS metadata (slow off AWS)."
    )
    model_timeout_s: float = Field(default=30.0, gt=0, description="Per attempt, per tier.")
    model_max_attempts: int = Field(default=3, ge=1, le=10, description="Per tier, retryable errors only.")
    model_backoff_initial_s: float = Field(default=0.25, ge=0)
    model_backoff_max_s: float = Field(default=4.0, ge=0)
    model_breaker_failures: int = Field(
        default=5, ge=1, description="Consecutive failures that open a breaker."
    )
    model_breaker_cooldown_s: float = Field(default=30.0, gt=0, description="Open time before a probe.")
    model_max_tokens: int = Field(default=1024, ge=1)
    model_temperature: float = Field(default=0.2, ge=0, le=1)
    llamacpp_context_tokens: int = Field(default=2048, ge=256)
    llamacpp_threads: int | None = Field(default=None, ge=1)

    kb_sqlite_path: Path | None = Field(
        default=None, description="Knowledge index file; default DATA_DIR/knowledge.db."
    )
    embedding_model: Literal["local", "bedrock", "none"] = Field(
        default="local",
        description="local = bundled MiniLM (lexical-only if not installed), bedrock = Titan.",
    )
    bedrock_embedding_model_id: str = Field(default="amazon.titan-embed-text-v2:0")
    bedrock_embedding_dim: Literal[256, 512, 1024] = Field(default=512)

    sites_dir: Path | None = Field(
        default=None, description="Generated sites' files; default DATA_DIR/sites."
    )
    sites_bucket: str | None = Field(
        default=None, description="Keep generated sites' files in this S3 bucket."
    )
    sites_s3_prefix: str = Field(default="sites/", pattern=r"^[A-Za-z0-9._/-]{0,100}$")
    sites_s3_endpoint_url: str | None = Field(
        default=None, description="e.g. http://127.0.0.1:5000 for moto."
    )
    sites_s3_region: str = Field(default="ap-south-1")
    sites_chromium_path: Path | None = Field(
        default=None, description="Chromium for site validation; default the system's (Debian's chromium)."
    )
    sites_html_validate_path: Path | None = Field(
        default=None, description="html-validate; default node_modules/.bin/html-validate (npm install)."
    )
    sites_sector_threshold: float = Field(
        default=0.55, ge=0, le=1, description="Below this sector confidence the wizard asks the owner."
    )
    sites_max_concurrent: int = Field(default=2, ge=1, le=16, description="Site generations run at once.")

    @field_validator("model_tiers", mode="before")
    @classmethod
    def _split_tiers(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _backend_urls_present(self) -> Settings:
        if self.checkpointer == "postgres" and not self.postgres_url:
            raise ValueError("PAKKA_CHECKPOINTER=postgres needs PAKKA_POSTGRES_URL")
        return self

    @cached_property
    def sqlite_file(self) -> Path:
        return self.sqlite_path or self.data_dir / "pakka.db"

    @cached_property
    def checkpoint_sqlite_file(self) -> Path:
        return self.checkpoint_sqlite_path or self.data_dir / "checkpoints.db"

    @cached_property
    def memory_sqlite_file(self) -> Path:
        return self.memory_sqlite_path or self.data_dir / "memory.db"

    @cached_property
    def kb_sqlite_file(self) -> Path:
        return self.kb_sqlite_path or self.data_dir / "knowledge.db"

    @cached_property
    def sites_root(self) -> Path:
        return self.sites_dir or self.data_dir / "sites"
