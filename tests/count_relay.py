#!/usr/bin/env python3
"""A TCP relay that counts the bytes it forwards each way.

    count_relay.py TARGET_PORT COUNT_FILE

Listens on 127.0.0.1 at a free port, prints that port on a line of its own,
and forwards each connection to 127.0.0.1:TARGET_PORT until it is killed.
After every forwarded piece COUNT_FILE holds "UP DOWN CONNECTIONS": the bytes
sent so far by the clients (towards TARGET_PORT) and to them, over all
connections, and how many connections were accepted.
tests/chain_test.sh puts it between a join node and the server to count what
a node sends per round.
"""
import os
import socket
import sys
import threading

totals = {"up": 0, "down": 0, "connections": 0}
lock = threading.Lock()


def record(path, way, n):
    with lock:
        totals[way] += n
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d %d %d\n" % (totals["up"], totals["down"], totals["connections"]))
        os.replace(tmp, path)


def pump(src, dst, path, way):
    try:
        while True:
            data = src.recv(1 << 20)
            if not data:
                break
            dst.sendall(data)
            record(path, way, len(data))
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main():
    target_port, path = int(sys.argv[1]), sys.argv[2]
    record(path, "up", 0)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    print(listener.getsockname()[1], flush=True)
    while True:
        client, _ = listener.accept()
        server = socket.create_connection(("127.0.0.1", target_port))
        record(path, "connections", 1)
        for a, b, way in ((client, server, "up"), (server, client, "down")):
            threading.Thread(target=pump, args=(a, b, path, way), daemon=True).start()


if __name__ == "__main__":
    main()
