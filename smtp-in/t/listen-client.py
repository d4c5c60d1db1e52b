"""listen-client.py: loopback client for the tern-listen tests.
talk HOST PORT LINE: connect, print "lport=N", send LINE, print all it gets until EOF.
hold HOST PORT N: open N connections one after the other; print for each
  "conn I greeting" if the server spoke within 20 s (generous: a busy
  machine; no test expects silence now), "conn I closed" if it
  closed at once, "conn I silent" if it said nothing (not accepted yet);
  then close them in order, and after each close print whether the
  silent ones now get their greeting ("after I conn J greeting")."""
import socket, sys, time

def connect(host, port):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam)
    s.settimeout(5)
    s.connect((host, int(port)))
    return s

def state(s, wait):
    s.settimeout(wait)
    try:
        d = s.recv(100)
    except socket.timeout:
        return "silent"
    except ConnectionResetError:
        return "closed"
    return "greeting" if d else "closed"

def talk(host, port, line):
    s = connect(host, port)
    print("lport=%d" % s.getsockname()[1])
    s.sendall(line.encode() + b"\n")
    out = b""
    while True:
        d = s.recv(4096)
        if not d:
            break
        out += d
    sys.stdout.write(out.decode())

def hold(host, port, n):
    conns = []
    for i in range(int(n)):
        s = connect(host, port)
        st = state(s, 20)
        print("conn %d %s" % (i + 1, st))
        sys.stdout.flush()
        conns.append((s, st))
    for i, (s, st) in enumerate(conns):
        s.close()
        for j, (t, tst) in enumerate(conns):
            if tst == "silent" and j > i:
                nst = state(t, 3)
                print("after %d conn %d %s" % (i + 1, j + 1, nst))
                conns[j] = (t, nst if nst != "silent" else "silent")

if __name__ == "__main__":
    {"talk": talk, "hold": hold}[sys.argv[1]](*sys.argv[2:])
