#!/usr/bin/env python3
"""Listeners that are not a localsgd server, for tests/network_test.sh.

    fake_peer.py silent   accepts connections and never sends a byte
    fake_peer.py http     answers whatever arrives with an HTTP 400, like a
                          web server on a mistyped port
    fake_peer.py free     prints a port nobody listens on, and exits

Listens on 127.0.0.1 at a free port and prints that port on a line of its
own, then serves until it is killed.
"""
import socket
import sys
import threading


def http(conn):
    try:
        conn.recv(65536)
        conn.sendall(b"HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        conn.close()
    except OSError:
        pass


def main():
    mode = sys.argv[1]
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    if mode == "free":
        print(listener.getsockname()[1], flush=True)
        return
    listener.listen()
    print(listener.getsockname()[1], flush=True)
    held = []
    while True:
        conn, _ = listener.accept()
        if mode == "http":
            threading.Thread(target=http, args=(conn,), daemon=True).start()
        else:
            held.append(conn)


if __name__ == "__main__":
    main()
