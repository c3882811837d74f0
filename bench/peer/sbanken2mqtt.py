#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""sbanken2mqtt: the Python script a user would write instead of bank2mqtt (the benchmark peer).

Does the same job the same way: reads bank2mqtt's INI file, gets an OAuth2 client-credentials
token per source (reused until min(60 s, lifetime/10) before it expires), keeps one
requests.Session per source alive, reads the v1 account list with the customerId header and
publishes the same retained topics (QoS 1) and JSON as bank2mqtt, plus a Home Assistant
discovery device per account once. Loops with each source's interval. Debian bookworm:
python3-requests 2.28, python3-paho-mqtt 1.6.1 (the 1.x client API).

Usage: sbanken2mqtt.py --config=FILE
"""
import argparse
import configparser
import datetime
import json
import re
import signal
import sys
import threading
import time
import unicodedata
from decimal import Decimal
from urllib.parse import quote_plus, urlparse

import paho.mqtt.client as mqtt
import requests


def parse_interval(text):
    match = re.fullmatch(r"\s*(\d+)\s*([smh])\s*", text)
    if not match:
        raise ValueError(f"bad interval {text!r}")
    return int(match.group(1)) * {"s": 1, "m": 60, "h": 3600}[match.group(2)]


def read_file(path):
    with open(path, encoding="utf-8") as f:
        return f.read().strip()


def slugify(name):
    name = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a").replace("ß", "ss")
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", name).strip("_") or "account"


def now_rfc3339():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()


def money(value):
    return f"{value:.2f}"  # value is a Decimal: exact, never through a binary float


class Source:
    """One bank login: its token, its kept-alive HTTPS session and its accounts."""

    def __init__(self, source_id, section):
        self.id = source_id
        self.interval = parse_interval(section.get("interval", "15m"))
        self.client_id = section["client_id"]
        self.secret = read_file(section["client_secret_file"])
        self.customer_id = read_file(section["customer_id_file"])
        self.auth_url = section.get("auth_url", "https://auth.sbanken.no/identityserver/connect/token")
        self.api_url = section.get("api_url", "https://api.sbanken.no/bank/api/v1").rstrip("/")
        self.session = requests.Session()
        # Passed on each request: requests lets $REQUESTS_CA_BUNDLE override Session.verify.
        self.verify = section.get("ca_file") or True
        self.token = None
        self.token_renew_at = 0.0
        self.discovered = False
        self.next_poll = time.monotonic()

    def access_token(self):
        if self.token and time.monotonic() < self.token_renew_at:
            return self.token
        # RFC 6749 2.3.1: each part form-encoded before the Basic header's base64.
        reply = self.session.post(
            self.auth_url,
            auth=(quote_plus(self.client_id), quote_plus(self.secret)),
            data={"grant_type": "client_credentials"},
            headers={"Accept": "application/json"},
            verify=self.verify,
            timeout=20,
        )
        reply.raise_for_status()
        body = reply.json()
        lifetime = int(body.get("expires_in", 300))
        self.token = body["access_token"]
        self.token_renew_at = time.monotonic() + lifetime - min(60, lifetime / 10)
        return self.token

    def fetch_accounts(self):
        reply = self.session.get(
            self.api_url + "/accounts/",
            headers={"Authorization": "Bearer " + self.access_token(),
                     "customerId": self.customer_id, "Accept": "application/json"},
            verify=self.verify,
            timeout=20,
        )
        if reply.status_code == 401:  # token expired early: renew once
            self.token = None
            return self.fetch_accounts()
        reply.raise_for_status()
        body = json.loads(reply.text, parse_float=Decimal)
        if body.get("isError"):
            raise RuntimeError(body.get("errorMessage") or "isError")
        return body["items"]


class Bridge:
    def __init__(self, config):
        mqtt_section = config["mqtt"]
        self.base = mqtt_section.get("base_topic", "bank2mqtt")
        self.discovery = mqtt_section.getboolean("discovery", True)
        self.prefix = mqtt_section.get("discovery_prefix", "homeassistant")
        self.sources = [Source(name.split(".", 1)[1], config[name])
                        for name in config.sections() if name.startswith("source.")]
        uri = urlparse(mqtt_section.get("uri", "tcp://localhost:1883"))
        self.client = mqtt.Client(client_id=mqtt_section.get("client_id", "sbanken2mqtt"))
        self.client.will_set(self.base + "/status", "offline", qos=1, retain=True)
        self.client.on_connect = self.on_connect
        self.client.connect(uri.hostname, uri.port or 1883, keepalive=60)
        self.client.loop_start()  # paho's network thread
        self.stop = threading.Event()

    def on_connect(self, client, userdata, flags, rc):
        client.publish(self.base + "/status", "online", qos=1, retain=True)

    def publish(self, topic, payload):
        self.client.publish(topic, payload, qos=1, retain=True)

    def publish_discovery(self, source, key, account):
        device_id = f"sbanken2mqtt_{source.id}_{key}"
        state = f"{self.base}/{source.id}/{key}"
        config = {
            "device": {"identifiers": [device_id], "name": account["name"],
                       "manufacturer": "Sbanken", "model": account["accountType"]},
            "origin": {"name": "sbanken2mqtt"},
            "availability_topic": self.base + "/status",
            "components": {
                "balance": {"platform": "sensor", "name": "Balance", "unique_id": device_id + "_balance",
                            "state_topic": state + "/balance", "device_class": "monetary",
                            "state_class": "total", "unit_of_measurement": "NOK"},
                "available": {"platform": "sensor", "name": "Available",
                              "unique_id": device_id + "_available",
                              "state_topic": state + "/available", "device_class": "monetary",
                              "state_class": "total", "unit_of_measurement": "NOK"},
                "updated": {"platform": "sensor", "name": "Last update",
                            "unique_id": device_id + "_updated", "state_topic": state,
                            "value_template": "{{ value_json.updated }}",
                            "device_class": "timestamp", "entity_category": "diagnostic"},
            },
        }
        self.publish(f"{self.prefix}/device/{device_id}/config", json.dumps(config))

    def poll(self, source):
        attempt = now_rfc3339()
        try:
            accounts = source.fetch_accounts()
        except (requests.RequestException, RuntimeError, ValueError, KeyError) as error:
            print(f"{source.id}: {error}", file=sys.stderr)
            self.publish(f"{self.base}/{source.id}/status",
                         json.dumps({"state": "error", "last_attempt": attempt, "error": str(error)}))
            return
        used = set()
        for account in accounts:
            key = slugify(account["name"])
            n = 2
            while key in used:
                key, n = f"{slugify(account['name'])}_{n}", n + 1
            used.add(key)
            topic = f"{self.base}/{source.id}/{key}"
            number = account["accountNumber"]
            self.publish(topic, json.dumps({
                "balance": float(account["balance"]), "available": float(account["available"]),
                "credit_limit": float(account["creditLimit"]), "currency": "NOK",
                "name": account["name"], "type": account["accountType"],
                "number": "*" * (len(number) - 4) + number[-4:], "updated": attempt,
                "low_balance": None}))
            self.publish(topic + "/balance", money(account["balance"]))
            self.publish(topic + "/available", money(account["available"]))
            if self.discovery and not source.discovered:
                self.publish_discovery(source, key, account)
        source.discovered = True
        self.publish(f"{self.base}/{source.id}/status", json.dumps(
            {"state": "ok", "last_success": attempt, "last_attempt": attempt, "error": None}))

    def run(self):
        while not self.stop.is_set():
            now = time.monotonic()
            for source in self.sources:
                if source.next_poll <= now:
                    self.poll(source)
                    source.next_poll = now + source.interval
            self.stop.wait(max(0.0, min(s.next_poll for s in self.sources) - time.monotonic()))
        self.client.publish(self.base + "/status", "offline", qos=1, retain=True).wait_for_publish()
        self.client.disconnect()
        self.client.loop_stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    args = parser.parse_args()
    config = configparser.ConfigParser(inline_comment_prefixes=(";", "#"))
    config.read(args.config, encoding="utf-8")
    bridge = Bridge(config)
    signal.signal(signal.SIGTERM, lambda *_: bridge.stop.set())
    signal.signal(signal.SIGINT, lambda *_: bridge.stop.set())
    bridge.run()


if __name__ == "__main__":
    main()
