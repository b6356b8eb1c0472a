#!/usr/bin/env python3
"""A TCP relay that writes every byte it forwards, both ways, to a file.

    tcp_tee.py TARGET_PORT CAPTURE_FILE

Listens on 127.0.0.1 at a free port, prints that port on a line of its own,
and forwards each connection to 127.0.0.1:TARGET_PORT until it is killed.
tests/tls_test.sh puts it between a worker and a server to see what an
eavesdropper on the wire would see.
"""
import socket
import sys
import threading


def pump(src, dst, capture, lock):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            with lock:
                capture.write(data)
                capture.flush()
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def main():
    target_port = int(sys.argv[1])
    capture = open(sys.argv[2], "ab")
    lock = threading.Lock()
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    print(listener.getsockname()[1], flush=True)
    while True:
        client, _ = listener.accept()
        server = socket.create_connection(("127.0.0.1", target_port))
        for a, b in ((client, server), (server, client)):
            threading.Thread(target=pump, args=(a, b, capture, lock), daemon=True).start()


if __name__ == "__main__":
    main()
