"""SSRF guard: loopback, private, link-local, multicast, reserved and unspecified are refused."""

from __future__ import annotations

import pytest

from bot.watch.guard import AddressRefused, check_url, refuse_reason


@pytest.mark.parametrize(
    ("address", "label"),
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.5", "private"),
        ("192.168.1.1", "private"),
        ("172.16.0.1", "private"),
        ("169.254.169.254", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("ff02::1", "multicast"),
        ("::", "unspecified"),
        ("::ffff:10.0.0.5", "private"),
        ("::ffff:127.0.0.1", "loopback"),
        ("64:ff9b::a00:5", "private"),
        ("2002:a00:5::1", "private"),
    ],
)
def test_non_public_addresses_are_refused(address, label):
    reason = refuse_reason(address)
    assert reason is not None and reason.startswith(f"refused {label} address")


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"])
def test_public_addresses_pass(address):
    assert refuse_reason(address) is None


def test_urls():
    with pytest.raises(AddressRefused, match=r"refused private address 10\.0\.0\.5"):
        check_url("http://10.0.0.5/feed", allow_private=False)
    with pytest.raises(AddressRefused, match="non-http"):
        check_url("file:///etc/passwd", allow_private=True)
    with pytest.raises(AddressRefused, match="non-http"):
        check_url("gopher://example.com/", allow_private=True)
    with pytest.raises(AddressRefused, match="loopback"):
        check_url("http://[::1]:8080/", allow_private=False)
    check_url("http://10.0.0.5/feed", allow_private=True)
    check_url("http://127.0.0.1/", allow_private=False, exempt=frozenset({"127.0.0.1"}))
    check_url("https://example.com/feed", allow_private=False)  # names are checked at resolve
