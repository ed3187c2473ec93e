#!/usr/bin/env python3
"""A LocalAPI that answers with recorded responses, for bench/desktop.sh: status and prefs from
the JSON files next to this script, a watch-ipn-bus stream that sends one notification and stays
open, 204 for everything that changes something. One thread per connection; Unix socket only."""
import os
import socket
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))


def read(name):
    with open(os.path.join(HERE, name), "rb") as f:
        return f.read()


STATUS, PREFS, NOTIFY = read("status.json"), read("prefs.json"), read("notify.json")


def reply(conn, body, status="200 OK"):
    head = "HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (status, len(body))
    conn.sendall(head.encode() + body)


def serve(conn):
    with conn:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk or len(data) > 65536:
                return
            data += chunk
        method, target = data.split(b" ", 2)[:2]
        path = target.split(b"?")[0]
        if path == b"/localapi/v0/status":
            reply(conn, STATUS)
        elif path == b"/localapi/v0/prefs" and method == b"GET":
            reply(conn, PREFS)
        elif path == b"/localapi/v0/watch-ipn-bus":
            line = NOTIFY + b"\n"
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                         + b"%x\r\n" % len(line) + line + b"\r\n")
            conn.recv(1)  # until the client hangs up
        else:
            conn.sendall(b"HTTP/1.1 204 No Content\r\n\r\n")


def main():
    path = sys.argv[1]
    if os.path.exists(path):
        os.unlink(path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
