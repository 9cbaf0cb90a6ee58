"""The SNS sender (PAKKA_OTP_SENDER=sns) against botocore's Stubber: one transactional SMS `publish` to the
E.164 number with the code in the text; an SNS failure is SmsUnavailable (the API's 503 SMS_UNAVAILABLE), and
its log line names the phone by its last four digits only and never the code."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from core.identity.senders import SmsUnavailable, SnsSender, build_sender, message
from core.settings import Settings

PHONE = "+919876543210"
CODE = "482913"
TRANSACTIONAL = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}


@pytest.fixture
def sns() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client("sns", region_name="ap-south-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def published(phone: str, attributes: dict[str, Any]) -> dict[str, Any]:
    return {"PhoneNumber": phone, "Message": message(CODE, 300), "MessageAttributes": attributes}


def test_a_code_is_one_transactional_sms_to_the_number(sns: tuple[Any, Stubber]) -> None:
    client, stubber = sns
    stubber.add_response("publish", {"MessageId": "m-1"}, published(PHONE, TRANSACTIONAL))

    SnsSender(client).send(PHONE, CODE, ttl_s=300)

    assert CODE in message(CODE, 300) and "5 minutes" in message(CODE, 300)


def test_a_configured_sender_id_goes_with_the_message(sns: tuple[Any, Stubber]) -> None:
    client, stubber = sns
    sender_id = {"AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": "PAKKA"}}
    stubber.add_response("publish", {"MessageId": "m-2"}, published(PHONE, TRANSACTIONAL | sender_id))

    SnsSender(client, sender_id="PAKKA").send(PHONE, CODE, ttl_s=300)


@pytest.mark.parametrize(
    ("aws_code", "status"), [("Throttling", 400), ("InvalidParameter", 400), ("InternalError", 500)]
)
def test_an_sns_error_is_sms_unavailable_and_the_log_keeps_only_the_last_four_digits(
    sns: tuple[Any, Stubber], caplog: pytest.LogCaptureFixture, aws_code: str, status: int
) -> None:
    client, stubber = sns
    # SNS's own messages can quote the request: the log line must not pass them on.
    stubber.add_client_error(
        "publish",
        service_error_code=aws_code,
        service_message=f"Invalid parameter: PhoneNumber Reason: {PHONE} ({message(CODE, 300)})",
        http_status_code=status,
        expected_params=published(PHONE, TRANSACTIONAL),
    )
    caplog.set_level(logging.DEBUG, logger="pakka")

    with pytest.raises(SmsUnavailable) as raised:
        SnsSender(client).send(PHONE, CODE, ttl_s=300)

    assert raised.value.code == "SMS_UNAVAILABLE"
    [line] = [record for record in caplog.records if record.name == "pakka.auth"]
    assert line.getMessage() == f"SMS to phone ending 3210 not sent: {aws_code}"
    logged = " ".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert "9876543210" not in logged and "98765" not in logged
    assert CODE not in logged


def test_sns_is_chosen_by_settings(tmp_path: Any) -> None:
    sender = build_sender(
        Settings(data_dir=tmp_path, otp_sender="sns", sns_region="ap-south-1", _env_file=None)
    )

    assert isinstance(sender, SnsSender)
