#!/usr/bin/env python3
"""A TCP relay that records what it forwards.

    tcp_relay.py TARGET_PORT --count FILE
    tcp_relay.py TARGET_PORT --capture FILE

Listens on 127.0.0.1 at a free port, prints that port on a line of its own,
and forwards each connection to 127.0.0.1:TARGET_PORT until it is killed.
With --count, after every forwarded piece FILE holds "UP DOWN CONNECTIONS":
the bytes sent so far by the clients (towards TARGET_PORT) and to them, over
all connections, and how many connections were accepted (tests/chain_test.sh
counts what a node sends per round). With --capture, FILE gets every byte
forwarded either way (tests/tls_test.sh looks at what an eavesdropper sees).
"""
import os
import socket
import sys
import threading

lock = threading.Lock()


class counter:
    def __init__(self, path):
        self.path = path
        self.totals = {"up": 0, "down": 0, "connections": 0}
        self.add("up", 0)

    def add(self, way, n):
        self.totals[way] += n
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            f.write("%(up)d %(down)d %(connections)d\n" % self.totals)
        os.replace(tmp, self.path)

    def forwarded(self, way, data):
        self.add(way, len(data))

    def accepted(self):
        self.add("connections", 1)


class capture:
    def __init__(self, path):
        self.file = open(path, "ab")

    def forwarded(self, way, data):
        self.file.write(data)
        self.file.flush()

    def accepted(self):
        pass


def pump(src, dst, record, way):
    try:
        while True:
            data = src.recv(1 << 20)
            if not data:
                break
            dst.sendall(data)
            with lock:
                record.forwarded(way, data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main():
    if len(sys.argv) != 4 or sys.argv[2] not in ("--count", "--capture"):
        sys.exit("usage: tcp_relay.py TARGET_PORT --count|--capture FILE")
    target_port = int(sys.argv[1])
    record = (counter if sys.argv[2] == "--count" else capture)(sys.argv[3])
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    print(listener.getsockname()[1], flush=True)
    while True:
        client, _ = listener.accept()
        server = socket.create_connection(("127.0.0.1", target_port))
        with lock:
            record.accepted()
        for a, b, way in ((client, server, "up"), (server, client, "down")):
            threading.Thread(target=pump, args=(a, b, record, way), daemon=True).start()


if __name__ == "__main__":
    main()
