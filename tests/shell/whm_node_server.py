#!/usr/bin/env python3
"""A stand-in for a linked cPanel node's WHM API 1 over HTTPS, on 127.0.0.1.

Usage: whm_node_server.py PORT_FILE LOG_FILE CERT KEY

Answers POST /json-api/FUNCTION as WHM API 1 JSON for the calls whmkit makes
of a linked node (batch of version, myprivs, servicestatus,
list_linked_server_nodes, get_tweaksetting; set_service_proxy_backends;
unset_all_service_proxy_backends). Tokens: GOODTOKEN and NEWTOKEN hold the
"all" privilege, WEAKTOKEN does not, anything else is refused with HTTP 403.
Every request is appended to LOG_FILE as one JSON line (function, the
Authorization header, the form fields), for the test to check.
"""
import json
import os
import ssl
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

PORT_FILE, LOG_FILE, CERT, KEY = sys.argv[1:5]
PRIVILEGED = {"GOODTOKEN", "NEWTOKEN"}
SERVICES = ["cpdavd", "exim", "imap", "lmtp", "pop", "spamd"]


def envelope(function, data=None, result=1, reason="OK"):
    env = {"metadata": {"command": function, "reason": reason, "result": result, "version": 1}}
    if data is not None:
        env["data"] = data
    return env


def answer(function, args, token):
    if function == "version":
        return envelope(function, {"version": "11.110.0.5"})
    if function == "myprivs":
        return envelope(function, {"privileges": [{"all": 1 if token in PRIVILEGED else 0}]})
    if function == "servicestatus":
        return envelope(function, {"service": [
            {"name": s, "enabled": 0 if s == "spamd" else 1, "installed": 1, "monitored": 1, "running": 1,
             "display_name": s} for s in SERVICES]})
    if function == "list_linked_server_nodes":
        return envelope(function, {"payload": []})
    if function == "get_tweaksetting":
        return envelope(function, {"tweaksetting": {"key": args.get("key", [""])[0], "value": 1}})
    if function in ("set_service_proxy_backends", "unset_all_service_proxy_backends"):
        return envelope(function)
    return envelope(function, result=0, reason="Unknown function “%s”." % function)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        fields = urllib.parse.parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
        function = self.path.rsplit("/", 1)[-1]
        auth = self.headers.get("Authorization", "")
        with open(LOG_FILE, "a") as log:
            log.write(json.dumps({"function": function, "authorization": auth, "fields": fields}) + "\n")
        token = auth.split(":", 1)[1] if auth.startswith("whm root:") else ""
        if token not in PRIVILEGED | {"WEAKTOKEN"}:
            body = json.dumps({"cpanelresult": {"data": {"reason": "Access denied", "result": "0"}}}).encode()
            self.send_response(403)
        else:
            if function == "batch":
                results = []
                for command in fields.get("command", []):
                    name, _, query = command.partition("?")
                    results.append(answer(name, urllib.parse.parse_qs(query), token))
                env = envelope("batch", {"result": results})
            else:
                env = answer(function, fields, token)
            body = json.dumps(env).encode()
            self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


server = HTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(CERT, KEY)
server.socket = context.wrap_socket(server.socket, server_side=True)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(PORT_FILE + ".tmp", PORT_FILE)
server.serve_forever()
