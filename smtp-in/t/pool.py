"""pool.py: the client and the /proc readers of smtp-in/t/pool.test.
conn PORT MODE [N]: N SMTP connections (default 1), one after the other, each ending as MODE says: quit, noquit
  (EHLO, then close), bad (an unknown command, then QUIT), auth (AUTH on the
  MX, then QUIT), timeout (silent until the server closes), send:MARKER (a
  message with MARKER in MAIL FROM, RCPT, a header and the body, QUIT),
  big:N (N messages of 1 MiB, QUIT); prints the last reply code.
hold PORT FILE: connect, write the greeting's code (or eof) to FILE, wait
  for the file FILE.go (at most 60 s), QUIT.
busy PORT FILE: a message left in its DATA, FILE says when; waits for EOF.
scan PID STRING...: for each STRING, how many times it is in PID's
  writable memory (/proc/PID/maps and /proc/PID/mem; root).
fds PID: PID's fds and what they are, sorted."""
import os, re, socket, sys, time

def reply(f):
    while True:
        try:
            line = f.readline()
        except OSError:
            return "eof"
        if not line:
            return "eof"
        if len(line) < 4 or line[3:4] != b"-":
            return line[:3].decode()

def connect(port):
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=30)
    return s, s.makefile("rb")

def cmd(s, f, line):
    s.sendall(line.encode() + b"\r\n")
    return reply(f)

def message(s, f, sender, rcpt, body):
    for c in ("MAIL FROM:<%s>" % sender, "RCPT TO:<%s>" % rcpt, "DATA"):
        r = cmd(s, f, c)
        if r not in ("250", "354"):
            return r
    s.sendall(body + b"\r\n.\r\n")
    return reply(f)

def conn(port, mode, n="1"):
    for i in range(int(n)):
        conn1(port, mode)

def conn1(port, mode):
    s, f = connect(port)
    r = reply(f)
    if mode == "timeout":
        print(reply(f))
        return
    r = cmd(s, f, "EHLO client.example")
    if mode == "noquit":
        print(r)
        return
    if mode == "bad":
        cmd(s, f, "FROB")
    elif mode == "auth":
        cmd(s, f, "AUTH PLAIN AGJvYgBzZWNyZXQ=")
    elif mode.startswith("send:"):
        m = mode[5:]
        body = ("Subject: hi\r\nX-Marker: %s\r\n\r\nbody %s\r\n" % (m, m)).encode()
        r = message(s, f, "%s@remote.example" % m, "bob+%s@example.com" % m, body)
        if r != "250":
            print("send", r)
    elif mode.startswith("big:"):
        line = b"x" * 78 + b"\r\n"
        body = b"Subject: big\r\n\r\n" + line * (1048576 // len(line))
        for i in range(int(mode[4:])):
            r = message(s, f, "a@remote.example", "bob@example.com", body)
            if r != "250":
                print("big", r)
    print(cmd(s, f, "QUIT"))

def hold(port, path):
    s, f = connect(port)
    r = reply(f)
    if r == "220":
        cmd(s, f, "EHLO client.example")  # past the HELO timeout
    with open(path + ".tmp", "w") as o:
        o.write(r + "\n")
    os.rename(path + ".tmp", path)
    for i in range(600):
        if os.path.exists(path + ".go"):
            break
        time.sleep(0.1)
    if r == "220":
        print(cmd(s, f, "QUIT"))

def busy(port, path):
    s, f = connect(port)
    reply(f)
    cmd(s, f, "EHLO client.example")
    for c in ("MAIL FROM:<a@remote.example>", "RCPT TO:<bob@example.com>", "DATA"):
        cmd(s, f, c)
    s.sendall(b"Subject: cut\r\n\r\nhalf a message\r\n")
    with open(path + ".tmp", "w") as o:
        o.write("in data\n")
    os.rename(path + ".tmp", path)
    print(reply(f))

def scan(pid, *strings):
    found = dict((x, 0) for x in strings)
    with open("/proc/%s/maps" % pid) as maps, open("/proc/%s/mem" % pid, "rb", 0) as mem:
        for l in maps:
            f = l.split()
            if "w" not in f[1] or (len(f) > 5 and f[5] in ("[vvar]", "[vsyscall]")):
                continue
            a, b = (int(x, 16) for x in f[0].split("-"))
            try:
                mem.seek(a)
                d = mem.read(b - a)
            except OSError:
                continue
            for x in strings:
                found[x] += d.count(x.encode())
    for x in strings:
        print(found[x])

def fds(pid):
    out = []
    for fd in os.listdir("/proc/%s/fd" % pid):
        t = os.readlink("/proc/%s/fd/%s" % (pid, fd))
        out.append("%s:%s" % (fd, re.sub(r"\[\d+\]", "", t)))
    print(" ".join(sorted(out, key=lambda x: int(x.split(":")[0]))))

{"conn": conn, "hold": hold, "busy": busy, "scan": scan, "fds": fds}[sys.argv[1]](*sys.argv[2:])
