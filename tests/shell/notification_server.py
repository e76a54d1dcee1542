#!/usr/bin/env python3
"""A stand-in for the services WHM's notifications go to, on 127.0.0.1, for
tests/shell/test_notifications.sh. Nothing leaves loopback.

  POST /posturl/ok             a POST URL that takes the message (200 "received")
  POST /posturl/fail           one that does not (500 "broken")
  POST /slack/<anything>       a Slack incoming webhook (200 "ok")
  POST /pushbullet/v2/pushes   Pushbullet's push API: "Authorization: Bearer
                               good-token" gets the note back as Pushbullet
                               answers it; any other token a 401 with
                               Pushbullet's error object

Every request is appended to LOG_FILE as one JSON line: method, path (with
its query), headers (lower-case names) and body.
Usage: notification_server.py PORT_FILE LOG_FILE   (writes the port it took)
"""
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

GOOD_TOKEN = "good-token"
port_file, log_file = sys.argv[1], sys.argv[2]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, content_type="text/plain"):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Test-Server", "notifications")
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8", "replace")
        with open(log_file, "a") as log:
            log.write(json.dumps({"method": "POST", "path": self.path,
                                  "headers": {k.lower(): v for k, v in self.headers.items()},
                                  "body": body}) + "\n")
        path = self.path.split("?")[0]
        if path == "/posturl/ok":
            self.answer(200, "received")
        elif path == "/posturl/fail":
            self.answer(500, "broken")
        elif path.startswith("/slack/"):
            self.answer(200, "ok")
        elif path == "/pushbullet/v2/pushes":
            if self.headers.get("Authorization") != "Bearer " + GOOD_TOKEN:
                error = {"error": {"type": "invalid_request", "message": "Access token is missing or invalid.",
                                   "cat": "(=^‥^=)"}}
                self.answer(401, json.dumps(error), "application/json")
                return
            note = json.loads(body)
            now = time.time()
            note.update({"active": True, "iden": "ujw5ScArtjUsjAeRXXMLGS", "created": now, "modified": now,
                         "direction": "self", "dismissed": False, "sender_name": "Test Sender"})
            self.answer(200, json.dumps(note), "application/json")
        else:
            self.answer(404, "no such path")


server = HTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
