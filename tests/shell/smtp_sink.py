#!/usr/bin/env python3
"""A minimal SMTP server for the tests: binds 127.0.0.1 on a free port,
writes the port to PORTFILE, and saves each message it is given, as the
bytes of its DATA (dot-unstuffed, CRLF line ends), to OUTDIR/<n>.eml.
Only the commands a client needs to hand over a message are understood.

    smtp_sink.py PORTFILE OUTDIR
"""
import asyncio
import os
import sys

count = 0


async def session(reader, writer):
    global count

    def reply(line):
        writer.write(line.encode() + b"\r\n")

    reply("220 sink.test ESMTP test sink")
    in_data, lines = False, []
    while True:
        line = await reader.readline()
        if not line:
            break
        if in_data:
            if line.rstrip(b"\r\n") == b".":
                count += 1
                path = os.path.join(sys.argv[2], f"{count}.eml")
                with open(path + ".tmp", "wb") as f:
                    f.write(b"".join(lines))
                os.rename(path + ".tmp", path)  # complete once it has its name
                in_data, lines = False, []
                reply("250 OK saved")
            else:
                lines.append(line[1:] if line.startswith(b"..") else line)
            continue
        verb = line[:4].upper()
        if verb in (b"EHLO", b"HELO"):
            reply("250 sink.test")
        elif verb == b"DATA":
            in_data = True
            reply("354 End data with <CR><LF>.<CR><LF>")
        elif verb == b"QUIT":
            reply("221 Bye")
            await writer.drain()
            break
        elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
            reply("250 OK")
        else:
            reply("502 Command not implemented")
        await writer.drain()
    writer.close()


async def main():
    server = await asyncio.start_server(session, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(port))
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
