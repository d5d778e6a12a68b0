#!/usr/bin/env python3
"""AWS test doubles for wiscan: moto server + a fault-injecting reverse proxy.

    python tests/fakes/fakes.py --state FILE [--exit-on-stdin-eof]

Starts moto 5.2.5 (ThreadedMotoServer) on 127.0.0.1 with an OS-chosen port and a
threaded reverse proxy (stdlib http.server + http.client) in front of it, also on
127.0.0.1 with an OS-chosen port, then writes

    {"moto": "http://127.0.0.1:P1", "aws": "http://127.0.0.1:P2"}

atomically to FILE. Point the SDK under test at "aws" (AWS_ENDPOINT_URL).

The proxy forwards every request unchanged and returns moto's answer, except:
  * the control API (POST /__faults, GET /__requests, POST /__reset, POST /__canned),
  * injected faults (rules posted to /__faults),
  * EKS Pod Identity list/describe (moto lacks them; answered from canned data),
  * IAM GetAccountAuthorizationDetails (paged by MaxItems/Marker here; moto ignores them),
  * IAM GetCredentialReport (a canned <root_account> row is inserted).
See tests/fakes/README.md.

Only the standard library and moto are used. Nothing is printed on stdout.
"""

from __future__ import annotations

import argparse
import base64
import calendar
import csv
import http.client
import io
import json
import logging
import os
import re
import signal
import sys
import threading
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
DEFAULT_ACCOUNT = "123456789012"
# Fixed default timestamp for canned pod identity associations (2024-01-01T00:00:00Z),
# so that snapshot tests stay deterministic.
DEFAULT_CANNED_TIME = 1704067200.0
# /__requests keeps the most recent requests only (a long test run must not grow without bound).
MAX_REQUESTS_KEPT = 20000

# Headers that are hop-by-hop (or that we recompute) and so are not forwarded.
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "expect",
}

GAAD_LISTS = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")

# restJson1 EKS routes -> operation name, so fault rules and /__requests can use the
# operation name for EKS as they do for query-protocol and JSON-target services.
EKS_ROUTES = [
    ("GET", re.compile(r"^/clusters$"), "ListClusters"),
    ("POST", re.compile(r"^/clusters$"), "CreateCluster"),
    ("GET", re.compile(r"^/clusters/[^/]+$"), "DescribeCluster"),
    ("DELETE", re.compile(r"^/clusters/[^/]+$"), "DeleteCluster"),
    ("GET", re.compile(r"^/clusters/[^/]+/pod-identity-associations$"), "ListPodIdentityAssociations"),
    ("POST", re.compile(r"^/clusters/[^/]+/pod-identity-associations$"), "CreatePodIdentityAssociation"),
    ("GET", re.compile(r"^/clusters/[^/]+/pod-identity-associations/[^/]+$"), "DescribePodIdentityAssociation"),
    ("GET", re.compile(r"^/clusters/[^/]+/node-groups$"), "ListNodegroups"),
    ("POST", re.compile(r"^/clusters/[^/]+/node-groups$"), "CreateNodegroup"),
    ("GET", re.compile(r"^/clusters/[^/]+/node-groups/[^/]+$"), "DescribeNodegroup"),
    ("GET", re.compile(r"^/clusters/[^/]+/fargate-profiles$"), "ListFargateProfiles"),
    ("GET", re.compile(r"^/clusters/[^/]+/fargate-profiles/[^/]+$"), "DescribeFargateProfile"),
    ("GET", re.compile(r"^/clusters/[^/]+/access-entries$"), "ListAccessEntries"),
    ("GET", re.compile(r"^/clusters/[^/]+/addons$"), "ListAddons"),
]

PIA_LIST_RE = re.compile(r"^/clusters/([^/]+)/pod-identity-associations$")
PIA_DESCRIBE_RE = re.compile(r"^/clusters/([^/]+)/pod-identity-associations/([^/]+)$")
ACCESS_KEY_RE = re.compile(r"Credential=([^/,\s]+)/")
REGION_RE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/,\s]+)/")
ARN_REGION_RE = re.compile(r"^arn:[^:]+:[^:]+:([^:]*):")
ARN_ACCOUNT_RE = re.compile(r"^arn:[^:]+:[^:]+:[^:]*:(\d{12}):")


def log(msg: str) -> None:
    print(f"fakes: {msg}", file=sys.stderr, flush=True)


def request_id() -> str:
    return str(uuid.uuid4())


def to_epoch(value) -> float:
    """Epoch seconds (float) from a number or an ISO 8601 string."""
    if value is None:
        return DEFAULT_CANNED_TIME
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return calendar.timegm(dt.utctimetuple()) + dt.microsecond / 1e6


class State:
    """Fault rules, request log and canned data, shared by all proxy threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rules: list[dict] = []
        self.requests: list[dict] = []
        self.canned: dict = {}
        self.gaad_cache: dict = {}

    def reset(self) -> None:
        with self.lock:
            self.rules = []
            self.requests = []
            self.canned = {}
            self.gaad_cache = {}

    def take_rule(self, subject: str) -> dict | None:
        """First live rule whose regex is found in subject; its count is decremented."""
        with self.lock:
            for rule in self.rules:
                if rule["count"] <= 0:
                    continue
                if rule["_re"].search(subject):
                    rule["count"] -= 1
                    return dict(rule)
        return None

    def record(self, entry: dict) -> None:
        with self.lock:
            self.requests.append(entry)
            if len(self.requests) > MAX_REQUESTS_KEPT:
                del self.requests[: len(self.requests) - MAX_REQUESTS_KEPT]

    def canned_get(self, key: str):
        with self.lock:
            return self.canned.get(key)


def parse_rules(payload) -> list[dict]:
    if not isinstance(payload, list):
        raise ValueError("expected a JSON list of rules")
    rules = []
    for i, raw in enumerate(payload):
        if not isinstance(raw, dict) or "match" not in raw:
            raise ValueError(f"rule {i}: expected an object with 'match'")
        rule = dict(raw)
        try:
            rule["_re"] = re.compile(str(raw["match"]))
        except re.error as e:
            raise ValueError(f"rule {i}: bad regex: {e}") from None
        rule["count"] = int(raw.get("count", 1))
        if "status" in rule and rule["status"] is not None:
            rule["status"] = int(rule["status"])
        rule["delay_ms"] = int(raw.get("delay_ms", 0) or 0)
        if not isinstance(rule.get("headers", {}), dict):
            raise ValueError(f"rule {i}: 'headers' must be an object")
        rules.append(rule)
    return rules


def fault_response(rule: dict) -> tuple[int, dict, bytes]:
    """Status, headers and body for a fault rule that answers instead of moto."""
    status = int(rule["status"])
    rid = request_id()
    headers = {"x-amzn-RequestId": rid}
    message = rule.get("message") or f"Injected fault ({status})"
    if rule.get("body") is not None:
        body = str(rule["body"]).encode()
        stripped = body.lstrip()
        if stripped.startswith((b"{", b"[")):
            headers["Content-Type"] = "application/json"
        elif stripped.startswith(b"<"):
            headers["Content-Type"] = "text/xml"
        else:
            headers["Content-Type"] = "text/plain"
    elif rule.get("aws_query_code"):
        code = xml_escape(rule["aws_query_code"])
        kind = "Receiver" if status >= 500 else "Sender"
        body = (
            f'<ErrorResponse xmlns="{IAM_NS}"><Error><Type>{kind}</Type>'
            f"<Code>{code}</Code><Message>{xml_escape(message)}</Message></Error>"
            f"<RequestId>{rid}</RequestId></ErrorResponse>"
        ).encode()
        headers["Content-Type"] = "text/xml"
    elif rule.get("aws_ec2_code"):
        code = xml_escape(rule["aws_ec2_code"])
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}</Code>'
            f"<Message>{xml_escape(message)}</Message></Error></Errors>"
            f"<RequestID>{rid}</RequestID></Response>"
        ).encode()
        headers["Content-Type"] = "text/xml;charset=UTF-8"
    elif rule.get("aws_json_code"):
        body = json.dumps({"message": message}).encode()
        headers["Content-Type"] = "application/json"
        headers["x-amzn-ErrorType"] = str(rule["aws_json_code"])
    else:
        body = b""
    for k, v in (rule.get("headers") or {}).items():
        headers[str(k)] = str(v)
    return status, headers, body


def xml_escape(text) -> str:
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def json_error(status: int, code: str, message: str, extra: dict | None = None):
    payload = {"message": message}
    if extra:
        payload.update(extra)
    headers = {
        "Content-Type": "application/json",
        "x-amzn-ErrorType": code,
        "x-amzn-RequestId": request_id(),
    }
    return status, headers, json.dumps(payload).encode()


def query_error(status: int, code: str, message: str):
    rid = request_id()
    body = (
        f'<ErrorResponse xmlns="{IAM_NS}"><Error><Type>Sender</Type><Code>{xml_escape(code)}</Code>'
        f"<Message>{xml_escape(message)}</Message></Error><RequestId>{rid}</RequestId></ErrorResponse>"
    ).encode()
    return status, {"Content-Type": "text/xml", "x-amzn-RequestId": rid}, body


# ---------------------------------------------------------------------------
# EKS Pod Identity (canned)


def request_region(headers) -> str | None:
    m = REGION_RE.search(headers.get("Authorization", "") or "")
    return m.group(1) if m else None


def pia_for_cluster(state: State, cluster: str, region: str | None) -> list[dict]:
    out = []
    for a in state.canned_get("pod_identity_associations") or []:
        if a.get("clusterName") != cluster:
            continue
        # Same cluster name in another region is another cluster: use the region of
        # the association ARN when both it and the request's signing region are known.
        m = ARN_REGION_RE.match(str(a.get("associationArn", "")))
        if region and m and m.group(1) and m.group(1) != region:
            continue
        out.append(a)
    return out


def pia_list(state: State, cluster: str, query: dict, headers) -> tuple[int, dict, bytes]:
    def q(name):
        v = query.get(name)
        return v[0] if v else None

    max_results = q("maxResults")
    try:
        limit = 100 if max_results is None else int(max_results)
    except ValueError:
        limit = -1
    if not 1 <= limit <= 100:
        return json_error(
            400, "InvalidParameterException", "maxResults must be between 1 and 100", {"clusterName": cluster}
        )
    token = q("nextToken")
    try:
        offset = 0 if token is None else int(token)
        if offset < 0:
            raise ValueError
    except ValueError:
        return json_error(400, "InvalidParameterException", "The nextToken is invalid", {"clusterName": cluster})
    items = pia_for_cluster(state, cluster, request_region(headers))
    ns, sa = q("namespace"), q("serviceAccount")
    if ns is not None:
        items = [a for a in items if a.get("namespace") == ns]
    if sa is not None:
        items = [a for a in items if a.get("serviceAccount") == sa]
    page = items[offset : offset + limit]
    summaries = []
    for a in page:
        s = {k: a[k] for k in ("clusterName", "namespace", "serviceAccount", "associationArn", "associationId") if k in a}
        if a.get("ownerArn"):
            s["ownerArn"] = a["ownerArn"]
        summaries.append(s)
    body = {"associations": summaries}
    if offset + limit < len(items):
        body["nextToken"] = str(offset + limit)
    return 200, {"Content-Type": "application/json", "x-amzn-RequestId": request_id()}, json.dumps(body).encode()


def pia_describe(state: State, cluster: str, assoc_id: str, headers) -> tuple[int, dict, bytes]:
    for a in pia_for_cluster(state, cluster, request_region(headers)):
        if a.get("associationId") == assoc_id:
            full = dict(a)
            full["createdAt"] = to_epoch(a.get("createdAt"))
            full["modifiedAt"] = to_epoch(a.get("modifiedAt", a.get("createdAt")))
            return (
                200,
                {"Content-Type": "application/json", "x-amzn-RequestId": request_id()},
                json.dumps({"association": full}).encode(),
            )
    return json_error(
        404,
        "ResourceNotFoundException",
        f"No Pod Identity Association found with id {assoc_id} in cluster {cluster}",
        {"clusterName": cluster},
    )


# ---------------------------------------------------------------------------
# IAM rewrites


def register_namespaces(xml_bytes: bytes) -> None:
    """Keep the documents' own namespace prefixes (default namespace stays unprefixed)."""
    for _event, (prefix, uri) in ET.iterparse(io.BytesIO(xml_bytes), events=("start-ns",)):
        ET.register_namespace(prefix or "", uri)


def find_child(parent: ET.Element, local: str) -> ET.Element | None:
    for child in parent:
        if child.tag.rsplit("}", 1)[-1] == local:
            return child
    return None


def ns_of(elem: ET.Element) -> str:
    return elem.tag[: elem.tag.index("}") + 1] if elem.tag.startswith("{") else ""


def serialize(root: ET.Element) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def gaad_page(body: bytes, max_items: int, offset: int) -> bytes:
    register_namespaces(body)
    root = ET.fromstring(body)
    result = find_child(root, "GetAccountAuthorizationDetailsResult")
    if result is None:
        return body
    ns = ns_of(result)
    # Concatenate the members of the four lists in order, remembering their list.
    members: list[tuple[str, ET.Element]] = []
    lists: dict[str, ET.Element] = {}
    for name in GAAD_LISTS:
        el = find_child(result, name)
        if el is None:
            el = ET.SubElement(result, ns + name)
        lists[name] = el
        for m in list(el):
            members.append((name, m))
            el.remove(m)
    page = members[offset : offset + max_items]
    for name, m in page:
        lists[name].append(m)
    truncated = offset + max_items < len(members)
    trunc_el = find_child(result, "IsTruncated")
    if trunc_el is None:
        trunc_el = ET.SubElement(result, ns + "IsTruncated")
    trunc_el.text = "true" if truncated else "false"
    marker_el = find_child(result, "Marker")
    if truncated:
        if marker_el is None:
            marker_el = ET.SubElement(result, ns + "Marker")
        marker_el.text = str(offset + max_items)
    elif marker_el is not None:
        result.remove(marker_el)
    return serialize(root)


def credential_report_with_root(body: bytes, root_account: dict) -> bytes:
    register_namespaces(body)
    root = ET.fromstring(body)
    result = find_child(root, "GetCredentialReportResult")
    content_el = find_child(result, "Content") if result is not None else None
    if content_el is None or not content_el.text:
        return body
    text = base64.b64decode(content_el.text).decode("utf-8")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    if not lines or not lines[0]:
        return body
    header = next(csv.reader([lines[0]]))
    rows = [r for r in csv.reader([l for l in lines[1:] if l])]
    if any(r and r[0] == "<root_account>" for r in rows):
        return body
    account = DEFAULT_ACCOUNT
    arn_idx = header.index("arn") if "arn" in header else 1
    for r in rows:
        if len(r) > arn_idx:
            m = ARN_ACCOUNT_RE.match(r[arn_idx])
            if m:
                account = m.group(1)
                break
    values = {"password_enabled": "not_supported", "mfa_active": "true"}
    values.update({str(k): str(v) for k, v in root_account.items()})
    values["user"] = "<root_account>"
    values.setdefault("arn", f"arn:aws:iam::{account}:root")
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow([values.get(col, "N/A") for col in header])
    lines.insert(1, buf.getvalue())
    content_el.text = base64.b64encode(newline.join(lines).encode("utf-8")).decode("ascii")
    return serialize(root)


# ---------------------------------------------------------------------------
# Proxy


class ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # SDKs open many connections at once; the default 5 drops SYNs

    def __init__(self, addr, upstream: tuple[str, int], state: State):
        super().__init__(addr, ProxyHandler)
        self.upstream = upstream
        self.state = state


class ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: ProxyServer

    def log_message(self, format, *args):  # noqa: A002 - silence per-request logs
        pass

    # -- plumbing ---------------------------------------------------------

    def read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size_line = self.rfile.readline()
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send(self, status: int, headers: dict, body: bytes) -> None:
        self.send_response(status)
        for k, v in headers.items():
            if k.lower() in HOP_BY_HOP:
                continue
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def send_json(self, status: int, payload) -> None:
        self.send(status, {"Content-Type": "application/json"}, json.dumps(payload).encode())

    def upstream(self, method: str, target: str, body: bytes) -> tuple[int, dict, bytes]:
        """Forward to moto on a per-connection keep-alive connection (retried once if stale)."""
        for attempt in (0, 1):
            conn = getattr(self, "_upstream_conn", None)
            if conn is None:
                conn = http.client.HTTPConnection(*self.server.upstream, timeout=300)
                self._upstream_conn = conn
            try:
                conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
                for k, v in self.headers.items():
                    if k.lower() in HOP_BY_HOP:
                        continue
                    conn.putheader(k, v)
                if body or method in ("POST", "PUT", "PATCH"):
                    conn.putheader("Content-Length", str(len(body)))
                conn.endheaders(body if body else None)
                resp = conn.getresponse()
                data = resp.read()
                headers = [(k, v) for k, v in resp.getheaders()]
                if resp.will_close:
                    conn.close()
                    self._upstream_conn = None
                return resp.status, headers, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, http.client.CannotSendRequest):
                conn.close()
                self._upstream_conn = None
                if attempt:
                    raise
        raise RuntimeError("unreachable")

    # -- dispatch ---------------------------------------------------------

    def do_GET(self):
        self.handle_any()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def handle_any(self):
        try:
            self._handle_any()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as e:  # answer 500 rather than hang the client
            log(f"error handling {self.command} {self.path}: {e!r}")
            try:
                self.send_json(500, {"message": f"fakes proxy error: {e!r}"})
            except Exception:
                pass
            self.close_connection = True

    def _handle_any(self):
        state = self.server.state
        body = self.read_body()
        split = urllib.parse.urlsplit(self.path)
        path, query_string = split.path, split.query

        if path.startswith("/__"):
            return self.control(path, body)

        action = self.action_of(path, query_string, body)
        subject = f"{self.command} {path}{'?' + query_string if query_string else ''} {action}"
        entry = {"method": self.command, "path": path, "query": query_string, "action": action}

        rule = state.take_rule(subject)
        if rule is not None:
            if rule["delay_ms"]:
                time.sleep(rule["delay_ms"] / 1000.0)
            if rule.get("status") is not None:
                status, headers, out = fault_response(rule)
                entry.update(status=status, injected=True)
                state.record(entry)
                return self.send(status, headers, out)

        status, headers, out = self.route(path, query_string, action, body)
        entry.update(status=status, injected=False)
        state.record(entry)
        self.send(status, dict(headers) if isinstance(headers, dict) else headers_to_dict(headers), out)

    def action_of(self, path: str, query_string: str, body: bytes) -> str:
        ctype = (self.headers.get("Content-Type") or "").lower()
        if body and "x-www-form-urlencoded" in ctype:
            for k, v in urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
                if k == "Action":
                    return v
        for k, v in urllib.parse.parse_qsl(query_string, keep_blank_values=True):
            if k == "Action":
                return v
        target = self.headers.get("X-Amz-Target")
        if target:
            return target
        for method, pattern, name in EKS_ROUTES:
            if method == self.command and pattern.match(path):
                return name
        return ""

    def route(self, path, query_string, action, body):
        state = self.server.state
        target = path + ("?" + query_string if query_string else "")

        if self.command == "GET":
            m = PIA_LIST_RE.match(path)
            if m:
                cluster = urllib.parse.unquote(m.group(1))
                return pia_list(state, cluster, urllib.parse.parse_qs(query_string, keep_blank_values=True), self.headers)
            m = PIA_DESCRIBE_RE.match(path)
            if m:
                cluster, assoc = (urllib.parse.unquote(g) for g in m.groups())
                return pia_describe(state, cluster, assoc, self.headers)

        if action == "GetAccountAuthorizationDetails":
            return self.gaad(target, query_string, body)

        status, headers, out = self.upstream(self.command, target, body)
        if action == "GetCredentialReport" and status == 200:
            root_account = state.canned_get("root_account")
            if root_account:
                out = credential_report_with_root(out, root_account)
        return status, headers, out

    def query_call(self, path: str, params: list, in_body: bool):
        """A query-protocol call to moto with the client's headers (same account/region)."""
        encoded = urllib.parse.urlencode(params)
        if in_body:
            return self.upstream(self.command, path, encoded.encode())
        return self.upstream(self.command, path + ("?" + encoded if encoded else ""), b"")

    def gaad(self, target, query_string, body):
        # Parameters may be in the form body (POST) or in the query string (GET).
        ctype = (self.headers.get("Content-Type") or "").lower()
        in_body = bool(body) and "x-www-form-urlencoded" in ctype
        params = urllib.parse.parse_qsl(
            body.decode("utf-8") if in_body else query_string, keep_blank_values=True
        )
        max_items, marker = "100", "0"
        kept = []
        for k, v in params:
            if k == "MaxItems":
                max_items = v
            elif k == "Marker":
                marker = v
            else:
                kept.append((k, v))
        try:
            limit = int(max_items)
        except ValueError:
            limit = -1
        if not 1 <= limit <= 1000:
            return query_error(400, "ValidationError", "MaxItems must be between 1 and 1000")
        try:
            offset = int(marker)
            if offset < 0:
                raise ValueError
        except ValueError:
            return query_error(400, "InvalidInput", "Invalid Marker")
        path = urllib.parse.urlsplit(target).path
        # A traversal's first page (no Marker) asks moto; later pages reuse that answer,
        # keyed by caller and parameters, so a paged read is one consistent snapshot and
        # costs one moto call (GAAD is slow in moto with the AWS-managed policies loaded).
        key = (
            "".join(ACCESS_KEY_RE.findall(self.headers.get("Authorization", "") or "")),
            self.headers.get("x-moto-account-id", ""),
            tuple(sorted(p for p in kept if p[0] != "Version")),
        )
        state = self.server.state
        full = None
        if offset:
            with state.lock:
                full = state.gaad_cache.get(key)
        if full is None:
            status, headers, out = self.query_call(path, kept, in_body)
            if status != 200:
                return status, headers, out
            full = (headers, self.fill_policy_names(path, out, in_body))
            with state.lock:
                state.gaad_cache[key] = full
                while len(state.gaad_cache) > 64:
                    state.gaad_cache.pop(next(iter(state.gaad_cache)))
        headers, out = full
        return 200, headers, gaad_page(out, limit, offset)

    def fill_policy_names(self, path: str, body: bytes, in_body: bool) -> bytes:
        """moto 5.2.5 leaves PolicyName and PolicyId out of GAAD's Policies members; add them."""
        register_namespaces(body)
        root = ET.fromstring(body)
        result = find_child(root, "GetAccountAuthorizationDetailsResult")
        policies = find_child(result, "Policies") if result is not None else None
        if policies is None:
            return body
        missing = [m for m in policies if find_child(m, "PolicyName") is None or find_child(m, "PolicyId") is None]
        if not missing:
            return body
        known: dict[str, tuple[str, str]] = {}
        marker = None
        for _ in range(100):
            params = [("Action", "ListPolicies"), ("Version", "2010-05-08"), ("Scope", "All"), ("MaxItems", "1000")]
            if marker:
                params.append(("Marker", marker))
            status, _h, out = self.query_call(path, params, in_body)
            if status != 200:
                break
            lp = ET.fromstring(out)
            lp_result = find_child(lp, "ListPoliciesResult")
            if lp_result is None:
                break
            lp_policies = find_child(lp_result, "Policies")
            for m in list(lp_policies) if lp_policies is not None else []:
                arn, name, pid = (find_child(m, t) for t in ("Arn", "PolicyName", "PolicyId"))
                if arn is not None:
                    known[arn.text or ""] = (
                        name.text if name is not None else "",
                        pid.text if pid is not None else "",
                    )
            truncated = find_child(lp_result, "IsTruncated")
            next_marker = find_child(lp_result, "Marker")
            if truncated is None or truncated.text != "true" or next_marker is None:
                break
            marker = next_marker.text
        for m in missing:
            ns = ns_of(m)
            arn_el = find_child(m, "Arn")
            arn = arn_el.text if arn_el is not None else ""
            name, pid = known.get(arn, (arn.rsplit("/", 1)[-1], ""))
            if find_child(m, "PolicyId") is None and pid:
                el = ET.Element(ns + "PolicyId")
                el.text = pid
                m.insert(0, el)
            if find_child(m, "PolicyName") is None and name:
                el = ET.Element(ns + "PolicyName")
                el.text = name
                m.insert(0, el)
        return serialize(root)

    # -- control API ------------------------------------------------------

    def control(self, path: str, body: bytes):
        state = self.server.state
        try:
            payload = json.loads(body) if body.strip() else None
        except json.JSONDecodeError as e:
            return self.send_json(400, {"error": f"invalid JSON: {e}"})
        if path == "/__faults" and self.command == "POST":
            try:
                rules = parse_rules(payload if payload is not None else [])
            except ValueError as e:
                return self.send_json(400, {"error": str(e)})
            with state.lock:
                state.rules = rules
            return self.send_json(200, {"rules": len(rules)})
        if path == "/__faults" and self.command == "GET":
            with state.lock:
                rules = [{k: v for k, v in r.items() if k != "_re"} for r in state.rules]
            return self.send_json(200, rules)
        if path == "/__requests" and self.command == "GET":
            with state.lock:
                return self.send_json(200, list(state.requests))
        if path == "/__reset" and self.command == "POST":
            state.reset()
            return self.send_json(200, {"reset": True})
        if path == "/__canned" and self.command == "POST":
            if not isinstance(payload, dict):
                return self.send_json(400, {"error": "expected a JSON object"})
            with state.lock:
                for k, v in payload.items():
                    if v is None:
                        state.canned.pop(k, None)
                    else:
                        state.canned[k] = v
                keys = sorted(state.canned)
            return self.send_json(200, {"canned": keys})
        if path == "/__canned" and self.command == "GET":
            with state.lock:
                return self.send_json(200, dict(state.canned))
        return self.send_json(404, {"error": f"unknown control endpoint {self.command} {path}"})


def headers_to_dict(pairs) -> dict:
    out: dict = {}
    for k, v in pairs:
        if k in out:
            out[k] = out[k] + ", " + v
        else:
            out[k] = v
    return out


# ---------------------------------------------------------------------------


def write_state(path: str, data: dict) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    with open(tmp, "w") as f:
        json.dump(data, f)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="moto + fault-injecting proxy for wiscan tests")
    ap.add_argument("--state", required=True, help="file to write {moto, aws} URLs to (atomically)")
    ap.add_argument("--exit-on-stdin-eof", action="store_true", help="exit when stdin is closed")
    args = ap.parse_args(argv)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    # werkzeug logs every request moto serves; keep stderr for errors.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from moto.server import ThreadedMotoServer  # imported late: slow import

    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    moto_host, moto_port = moto.get_host_and_port()

    state = State()
    proxy = ProxyServer(("127.0.0.1", 0), (moto_host, moto_port), state)
    proxy_thread = threading.Thread(target=proxy.serve_forever, kwargs={"poll_interval": 0.1}, name="proxy", daemon=True)
    proxy_thread.start()
    proxy_port = proxy.server_address[1]

    if args.exit_on_stdin_eof:
        def watch_stdin():
            try:
                while sys.stdin.buffer.read(65536):
                    pass
            except Exception:
                pass
            stop.set()

        threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()

    write_state(args.state, {"moto": f"http://127.0.0.1:{moto_port}", "aws": f"http://127.0.0.1:{proxy_port}"})

    while not stop.wait(0.2):
        pass
    proxy.shutdown()
    proxy.server_close()
    moto.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
