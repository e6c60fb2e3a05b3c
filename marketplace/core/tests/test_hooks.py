import pytest

from marketplace.core import hooks


def test_publish_calls_subscribers_in_order_with_the_payload():
    calls = []

    def first(**payload):
        calls.append(("first", payload))

    def second(**payload):
        calls.append(("second", payload))

    hooks.subscribe("test.event", first)
    hooks.subscribe("test.event", second)
    hooks.subscribe("test.event", first)  # once only
    try:
        hooks.publish("test.event", service=7, fields=["sub_processors"])
        hooks.publish("test.other", service=8)
    finally:
        hooks.unsubscribe("test.event", first)
        hooks.unsubscribe("test.event", second)
    assert calls == [
        ("first", {"service": 7, "fields": ["sub_processors"]}),
        ("second", {"service": 7, "fields": ["sub_processors"]}),
    ]
    hooks.publish("test.event", service=9)
    assert len(calls) == 2


def test_a_failing_subscriber_reaches_the_publisher():
    def broken(**payload):
        raise RuntimeError("boom")

    hooks.subscribe("test.failing", broken)
    try:
        with pytest.raises(RuntimeError, match="boom"):
            hooks.publish("test.failing")
    finally:
        hooks.unsubscribe("test.failing", broken)
