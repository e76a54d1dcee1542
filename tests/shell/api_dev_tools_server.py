#!/usr/bin/env python3
"""Stand-ins on 127.0.0.1 for what the API Development Tools reach.

Usage: api_dev_tools_server.py PORT_FILE LOG_FILE [CERT KEY]

Without CERT and KEY: plain HTTP web pages for cors_proxy_get. GET /page
answers an HTML page with "X-Seen-Origin" echoing the request's Origin
header; GET /moved redirects (302) to /page; GET /missing is a 404.

With CERT and KEY: another server's WHM API 1 over HTTPS for
execute_remote_whmapi1_with_password. POST /json-api/FUNCTION with HTTP
Basic root:luggage12345 answers "version" ({"version": "11.110.0.5"}),
"echo" (the form fields back as data, with a warning in
metadata.output.warnings) and anything else as an unknown function
(result 0); wrong credentials get cPanel's 403 "Access denied".

Every request is appended to LOG_FILE as one JSON line (method, path, the
Authorization and Origin headers, the form fields).
"""
import base64
import json
import ssl
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

PORT_FILE, LOG_FILE = sys.argv[1:3]
TLS = sys.argv[3:5]
GOOD_AUTH = "Basic " + base64.b64encode(b"root:luggage12345").decode()


def envelope(function, data=None, result=1, reason="OK", warnings=None):
    meta = {"command": function, "reason": reason, "result": result, "version": 1}
    if warnings:
        meta["output"] = {"warnings": warnings}
    env = {"metadata": meta}
    if data is not None:
        env["data"] = data
    return env


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def log(self, fields):
        with open(LOG_FILE, "a") as log:
            log.write(json.dumps({"method": self.command, "path": self.path,
                                  "authorization": self.headers.get("Authorization", ""),
                                  "origin": self.headers.get("Origin", ""), "fields": fields}) + "\n")

    def answer(self, status, body, content_type, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.log({})
        if self.path == "/page":
            self.answer(200, b"<!doctype html><title>stand-in</title>\n", "text/html; charset=UTF-8",
                        [("X-Seen-Origin", self.headers.get("Origin", ""))])
        elif self.path == "/moved":
            self.answer(302, b"", "text/plain", [("Location", "/page")])
        else:
            self.answer(404, b"not here\n", "text/plain")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        fields = urllib.parse.parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
        self.log(fields)
        function = self.path.rsplit("/", 1)[-1]
        if self.headers.get("Authorization", "") != GOOD_AUTH:
            body = json.dumps({"cpanelresult": {"data": {"reason": "Access denied", "result": "0"}}}).encode()
            return self.answer(403, body, "application/json")
        if function == "version":
            env = envelope(function, {"version": "11.110.0.5"})
        elif function == "echo":
            env = envelope(function, {k: v for k, v in fields.items() if k != "api.version"},
                           warnings=["echoed"])
        else:
            env = envelope(function, result=0, reason="Unknown function “%s”." % function)
        self.answer(200, json.dumps(env).encode(), "application/json")


server = HTTPServer(("127.0.0.1", 0), Handler)
if TLS:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(TLS[0], TLS[1])
    server.socket = context.wrap_socket(server.socket, server_side=True)
with open(PORT_FILE, "w") as f:
    f.write(str(server.server_address[1]))
server.serve_forever()
