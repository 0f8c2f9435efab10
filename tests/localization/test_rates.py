"""Exchange rates: seed file, admin-only updates with versions, conversion in minor units, bad input."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from functions.localization.models import RATES_ID, ExchangeRates
from functions.localization.rates import SEED_FILE, RatesError, load_rates_file, parse_rates

RATES = "/v1/localization/rates"


@pytest.fixture
def clean_rates():
    """Each test starts from the seed file (no operator table) and leaves none behind."""

    def drop() -> None:
        with contextlib.suppress(ExchangeRates.DoesNotExist):
            ExchangeRates.get(RATES_ID).delete()

    drop()
    yield
    drop()


def test_seed_file_answers_until_an_operator_stores_rates(client, clean_rates):
    body = client.get(RATES).json()
    assert body["version"] == 0
    assert body["updated_by"] == "seed"
    assert "seed file" in body["source"]
    assert body["updated_at_iso"].startswith("2026-11-20")
    assert body["rates"]["USD"] == "1"


def test_admin_updates_rates_and_conversion_uses_them(client, auth, clean_rates):
    # GIVEN an operator storing a new table based on version 0
    update = {
        "base": "USD",
        "rates": {"IDR": "16000", "EUR": "0.9", "JPY": 150},
        "source": "treasury",
        "version": 0,
    }
    stored = client.put(RATES, json=update, headers=auth("admin", sub="ops-1"))
    assert stored.status_code == 200, stored.text
    assert stored.json()["version"] == 1 and stored.json()["updated_by"] == "ops-1"
    # WHEN a price is converted
    response = client.get("/v1/localization/convert", params={"amount_minor": 1999, "from": "USD", "market": "ID"})
    # THEN the new rate is used and its timestamp and source are shown
    body = response.json()
    assert response.status_code == 200, body
    assert body["rate"] == "16000"
    assert body["converted"]["amount_minor"] == 31_984_000  # 19.99 USD * 16000 = 319,840.00 IDR
    assert body["converted"]["currency"] == "IDR"
    assert body["rates_source"] == "treasury"
    assert body["rates_updated_at"] == stored.json()["updated_at"]
    assert body["converted"]["display"]["text"].startswith("Rp")


def test_conversion_respects_minor_units_and_market_rounding(client, auth, clean_rates):
    update = {"base": "USD", "rates": {"JPY": "150.5", "VND": "25000"}, "source": "ops", "version": 0}
    assert client.put(RATES, json=update, headers=auth("admin")).status_code == 200
    # 3.33 USD -> 501.165 JPY; JPY has no minor units; JP rounds down
    jp = client.get("/v1/localization/convert", params={"amount_minor": 333, "from": "USD", "market": "JP"}).json()
    assert jp["converted"]["amount_minor"] == 501 and jp["rounding"] == "down"
    assert jp["converted"]["minor_digits"] == 0
    vn = client.get("/v1/localization/convert", params={"amount_minor": 100, "from": "USD", "market": "VN"}).json()
    assert vn["converted"]["amount_minor"] == 25000 and vn["converted"]["display"]["text"].endswith("₫")


def test_replayed_or_stale_update_is_refused(client, auth, clean_rates):
    update = {"base": "USD", "rates": {"EUR": "0.9"}, "source": "ops", "version": 0}
    assert client.put(RATES, json=update, headers=auth("admin")).status_code == 200
    replay = client.put(RATES, json=update, headers=auth("admin"))
    assert replay.status_code == 409 and replay.json()["code"] == "stale-rates"
    assert client.get(RATES).json()["rates"]["EUR"] == "0.9"


def test_only_admins_update_rates(client, auth, clean_rates):
    update = {"base": "USD", "rates": {"EUR": "0.5"}, "source": "me", "version": 0}
    assert client.put(RATES, json=update).status_code == 401
    assert client.put(RATES, json=update, headers=auth("merchant")).status_code == 403
    assert client.get(RATES).json()["version"] == 0


@pytest.mark.parametrize(
    ("rates", "fragment"),
    [
        ({"XXQ": "1.2"}, "unknown currency 'XXQ'"),
        ({"EUR": "-1"}, "positive"),
        ({"EUR": "abc"}, "not a number"),
        ({"EUR": "NaN"}, "positive finite"),
        ({"EUR": True}, "decimal number"),
        ({"USD": "2"}, "must have rate 1"),
    ],
)
def test_malformed_rates_payload_is_refused_and_changes_nothing(client, auth, clean_rates, rates, fragment):
    update = {"base": "USD", "rates": rates, "source": "ops", "version": 0}
    response = client.put(RATES, json=update, headers=auth("admin"))
    assert response.status_code == 422
    assert response.json()["code"] == "malformed-rates"
    assert fragment in response.json()["detail"]
    assert client.get(RATES).json()["version"] == 0


def test_unknown_currency_in_conversion(client, clean_rates):
    response = client.get("/v1/localization/convert", params={"amount_minor": 1, "from": "ABC", "to": "EUR"})
    assert response.status_code == 422 and response.json()["code"] == "unknown-currency"
    missing = client.get(
        "/v1/localization/convert", params={"amount_minor": 1, "from": "USD", "to": "CHF", "locale": "en"}
    )
    assert missing.status_code == 422 and missing.json()["code"] == "no-rate"


def test_seed_file_is_valid():
    table = load_rates_file(SEED_FILE)
    assert table.base == "USD" and len(table.rates) >= 12


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('base = "USD"\nsource = "x"\n[rates]\nEUR = "0.9"\n', "as_of"),
        ('base = "USD"\nas_of = "2026-01-01T00:00:00"\nsource = "x"\n[rates]\nEUR = "0.9"\n', "time zone"),
        ('base = "USD"\nas_of = 2026-01-01T00:00:00Z\nsource = "x"\n[rates]\nEUR = "zero"\n', "not a number"),
        ('base = "USD"\nas_of = 2026-01-01T00:00:00Z\nsource = "x"\nrates = 3\n', "rates must be a table"),
        (
            'base = "US Dollar"\nas_of = 2026-01-01T00:00:00Z\nsource = "x"\n[rates]\nEUR = "1"\n',
            "unknown currency",
        ),
        ("base = [\n", "not valid TOML"),
    ],
)
def test_malformed_rates_file_names_the_problem(tmp_path: Path, content, fragment):
    path = tmp_path / "rates.toml"
    path.write_text(content)
    with pytest.raises(RatesError, match=fragment):
        load_rates_file(path)


def test_parse_rates_refuses_non_table():
    with pytest.raises(RatesError, match="must be a table"):
        parse_rates(["USD", 1])
