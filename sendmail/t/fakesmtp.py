# fakesmtp.py: a recording SMTP server for tern-sendmail's tests, in a
# thread: EHLO (8BITMIME), MAIL, RCPT, DATA, RSET, QUIT; a recipient whose
# localpart is in `refuse` gets that reply.  Each transaction is appended
# to `got` as (mail_from, [rcpts], data_bytes).
import socket, threading


class Fake:
    def __init__(self, port, refuse=None):
        self.got, self.refuse = [], refuse or {}
        self.s = socket.socket()
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.s.bind(("127.0.0.1", port))
        self.s.listen(5)
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while True:
            c, _ = self.s.accept()
            threading.Thread(target=self.session, args=(c,), daemon=True).start()

    def session(self, c):
        f = c.makefile("rb")
        put = lambda l: c.sendall(l.encode() + b"\r\n")
        put("220 fake ESMTP")
        frm, rcpts = None, []
        while True:
            l = f.readline()
            if not l:
                break
            cmd = l.decode("utf-8", "replace").rstrip("\r\n")
            u = cmd.upper()
            if u.startswith("EHLO"):
                put("250-fake\r\n250-8BITMIME\r\n250 PIPELINING")
            elif u.startswith("MAIL FROM:"):
                frm, rcpts = cmd[10:].split(" ")[0].strip("<>"), []
                put("250 2.1.0 ok")
            elif u.startswith("RCPT TO:"):
                a = cmd[8:].strip().strip("<>")
                r = self.refuse.get(a.split("@")[0])
                if r:
                    put(r)
                else:
                    rcpts.append(a)
                    put("250 2.1.5 ok")
            elif u == "DATA":
                put("354 go")
                data = b""
                while True:
                    l = f.readline()
                    if not l or l == b".\r\n":
                        break
                    data += l[1:] if l.startswith(b".") else l
                self.got.append((frm, rcpts, data))
                put("250 2.0.0 queued")
            elif u == "QUIT":
                put("221 bye")
                break
            else:
                put("250 ok")
        c.close()
