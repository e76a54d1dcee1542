#!/usr/bin/env python3
"""A small stand-in for Google's OAuth 2 token endpoint and the Drive v3 API,
on 127.0.0.1, for tests/shell/test_google_drive.sh. Nothing leaves loopback.

  POST /token                                   authorization_code / refresh_token grants
  GET  /drive/v3/files?q=...                    folder look-up by name and parent
  POST /drive/v3/files                          make a folder
  POST /upload/drive/v3/files?uploadType=multipart   store a file (multipart/related)
  DELETE /drive/v3/files/<id>

Every Drive request must carry "Authorization: Bearer <a token this server
issued and has not replaced>", else 401. Files are written under STORE_DIR
as <folder path>/<name>. The first access token expires in 60 seconds (so
whmkit refreshes it before its first use); refreshed ones last an hour.
Usage: google_drive_server.py PORT_FILE STORE_DIR   (writes the port it took)
"""
import json
import os
import re
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

GOOD_CODE = "good-code"
CLIENT_ID = "whmkit-test-client"
CLIENT_SECRET = "whmkit-test-secret"
REFRESH_TOKEN = "refresh-1"

port_file, store = sys.argv[1], sys.argv[2]
tokens = {"valid": set(), "issued": 0, "refreshed": 0}
folders = {"root": ("", None)}  # id -> (name, parent id)
files = {}  # id -> path on disk


def folder_path(fid):
    parts = []
    while fid != "root":
        name, parent = folders[fid]
        parts.append(name)
        fid = parent
    return "/".join(reversed(parts))


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def authorized(self):
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer ") and auth[7:] in tokens["valid"]:
            return True
        self.answer(401, {"error": {"code": 401, "message": "Invalid Credentials"}})
        return False

    def new_token(self, lifetime):
        tokens["issued"] += 1
        token = "access-%d" % tokens["issued"]
        tokens["valid"] = {token}
        return {"access_token": token, "expires_in": lifetime, "token_type": "Bearer"}

    def do_POST(self):
        url = urllib.parse.urlparse(self.path)
        if url.path == "/token":
            form = dict(urllib.parse.parse_qsl(self.body().decode()))
            if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                return self.answer(401, {"error": "invalid_client"})
            if form.get("grant_type") == "authorization_code" and form.get("code") == GOOD_CODE:
                if not form.get("redirect_uri", "").endswith("/googledriveauth/callback"):
                    return self.answer(400, {"error": "redirect_uri_mismatch"})
                answer = self.new_token(60)
                answer["refresh_token"] = REFRESH_TOKEN
                return self.answer(200, answer)
            if form.get("grant_type") == "refresh_token" and form.get("refresh_token") == REFRESH_TOKEN:
                tokens["refreshed"] += 1
                return self.answer(200, self.new_token(3600))
            return self.answer(400, {"error": "invalid_grant"})
        if not self.authorized():
            return
        if url.path == "/drive/v3/files":
            meta = json.loads(self.body())
            fid = "folder-%d" % len(folders)
            folders[fid] = (meta["name"], meta["parents"][0])
            return self.answer(200, {"id": fid})
        if url.path == "/upload/drive/v3/files" and "uploadType=multipart" in url.query:
            ctype = self.headers.get("Content-Type", "")
            m = re.match(r"multipart/related; boundary=(\S+)$", ctype)
            if not m:
                return self.answer(400, {"error": {"message": "not multipart/related"}})
            delim = b"--" + m.group(1).encode()
            parts = self.body().split(delim)
            # ["", meta part, file part, "--\r\n"]
            if len(parts) != 4 or parts[3] != b"--\r\n":
                return self.answer(400, {"error": {"message": "bad multipart body"}})
            meta = json.loads(parts[1].split(b"\r\n\r\n", 1)[1].rstrip(b"\r\n"))
            content = parts[2].split(b"\r\n\r\n", 1)[1][:-2]  # less the CRLF before the delimiter
            parent = meta["parents"][0]
            path = os.path.join(store, folder_path(parent), meta["name"])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(content)
            fid = "file-%d" % (len(files) + 1)
            files[fid] = path
            return self.answer(200, {"id": fid})
        self.answer(404, {"error": {"message": "no such endpoint"}})

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path == "/stats":
            return self.answer(200, {"refreshed": tokens["refreshed"], "issued": tokens["issued"]})
        if not self.authorized():
            return
        if url.path == "/drive/v3/files":
            q = urllib.parse.parse_qs(url.query)["q"][0]
            m = re.match(r"name = '((?:[^'\\]|\\.)*)' and '([^']+)' in parents and mimeType = "
                         r"'application/vnd.google-apps.folder' and trashed = false$", q)
            if not m:
                return self.answer(400, {"error": {"message": "unexpected query: " + q}})
            name = re.sub(r"\\(.)", r"\1", m.group(1))
            found = [{"id": k, "name": v[0]} for k, v in folders.items() if v == (name, m.group(2))]
            return self.answer(200, {"files": found})
        self.answer(404, {"error": {"message": "no such endpoint"}})

    def do_DELETE(self):
        if not self.authorized():
            return
        fid = urllib.parse.urlparse(self.path).path.rsplit("/", 1)[1]
        if fid not in files:
            return self.answer(404, {"error": {"message": "File not found"}})
        os.unlink(files.pop(fid))
        self.send_response(204)
        self.end_headers()


server = HTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
