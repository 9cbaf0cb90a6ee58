"""Where login codes go: `console` (one log line, for the embedded setup and development) or `sns` (an SMS
through Amazon SNS `publish`). Chosen by PAKKA_OTP_SENDER."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from core.errors import PakkaError
from core.settings import Settings

logger = logging.getLogger("pakka.auth")


class OtpSender(Protocol):
    def send(self, phone: str, code: str, *, ttl_s: int) -> None:
        """Deliver `code` to `phone` (E.164), valid for `ttl_s` seconds."""
        ...


def message(code: str, ttl_s: int) -> str:
    return f"{code} is your pakka sign-in code. It expires in {max(1, ttl_s // 60)} minutes. Never share it."


class ConsoleSender:
    """Logs the code with only the phone's last four digits (logs hold no phone numbers)."""

    def send(self, phone: str, code: str, *, ttl_s: int) -> None:
        logger.warning(
            "login code for phone ending %s: %s", phone[-4:], code, extra={"phone_last4": phone[-4:]}
        )


class SnsSender:
    """A transactional SMS through SNS `publish`; a failure to send is a 503 (the code is not delivered)."""

    def __init__(self, client: Any, *, sender_id: str | None = None) -> None:
        self._client = client
        self._sender_id = sender_id

    @classmethod
    def for_settings(cls, settings: Settings) -> SnsSender:
        import boto3

        client = boto3.client("sns", region_name=settings.sns_region, endpoint_url=settings.sns_endpoint_url)
        return cls(client, sender_id=settings.sns_sender_id)

    def send(self, phone: str, code: str, *, ttl_s: int) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        attributes = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}
        if self._sender_id:
            attributes["AWS.SNS.SMS.SenderID"] = {"DataType": "String", "StringValue": self._sender_id}
        try:
            self._client.publish(
                PhoneNumber=phone, Message=message(code, ttl_s), MessageAttributes=attributes
            )
        except (BotoCoreError, ClientError) as error:
            # The error's own message may quote the request (the number, the text with the code): only its
            # kind and AWS error code are logged, and the phone's last four digits.
            reason = error.response.get("Error", {}).get("Code") if isinstance(error, ClientError) else None
            logger.error(
                "SMS to phone ending %s not sent: %s",
                phone[-4:],
                reason or type(error).__name__,
                extra={"phone_last4": phone[-4:], "error": type(error).__name__, "aws_error_code": reason},
            )
            raise SmsUnavailable("the sign-in code could not be sent; try again shortly") from error


class SmsUnavailable(PakkaError):
    """The SMS provider did not take the message (API: 503)."""

    code = "SMS_UNAVAILABLE"


def build_sender(settings: Settings) -> OtpSender:
    if settings.otp_sender == "sns":
        return SnsSender.for_settings(settings)
    return ConsoleSender()
