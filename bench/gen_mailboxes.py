#!/usr/bin/env python3
"""Adds N mailboxes to one domain of an existing account, in the files uapi
Email add_pop writes (etc/<domain>/passwd, shadow, quota and a Maildir each),
far faster than N add_pop calls. Used by bench/mail.sh.
   gen_mailboxes.py ROOT USER DOMAIN N"""
import os
import sys

root, user, domain, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
home = next(line.split(":")[5] for line in open(f"{root}/etc/passwd") if line.startswith(user + ":"))
uid, gid = next((int(f[2]), int(f[3])) for f in (line.split(":") for line in open(f"{root}/etc/passwd")) if f[0] == user)
etc = f"{root}{home}/etc/{domain}"
os.makedirs(etc, exist_ok=True)
# One SHA-512 crypt hash for all (the value does not matter to a listing).
pw_hash = "$6$benchbenchbench$" + "A" * 86
with open(f"{etc}/passwd", "a") as passwd, open(f"{etc}/shadow", "a") as shadow, open(f"{etc}/quota", "a") as quota:
    for i in range(n):
        local = f"box{i:05d}"
        passwd.write(f"{local}:x:{uid}:{gid}::{home}/mail/{domain}/{local}:{home}\n")
        shadow.write(f"{local}:{pw_hash}:20000::::::\n")
        quota.write(f"{local}:{1024 * 1024 * 1024}\n")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(f"{root}{home}/mail/{domain}/{local}/{sub}", exist_ok=True)
