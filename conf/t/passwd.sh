# tern-passwd writes ACCOUNTDIR/credentials; python checks them independently
check() {  # check PASSWORD: verify each stored form against PASSWORD
  python3 - "$1" data/accounts/bob/credentials <<'PY'
import base64, hashlib, hmac, math, struct, sys
def md5block(block):  # MD5 state after one 64-byte block (RFC 1321)
    r = [7, 12, 17, 22] * 4 + [5, 9, 14, 20] * 4 + [4, 11, 16, 23] * 4 + [6, 10, 15, 21] * 4
    k = [int(abs(math.sin(i + 1)) * 2 ** 32) & 0xffffffff for i in range(64)]
    m = struct.unpack('<16I', block)
    st = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]
    a, b, c, d = st
    for i in range(64):
        if i < 16: f, g = (b & c) | (~b & d), i
        elif i < 32: f, g = (d & b) | (~d & c), (5 * i + 1) % 16
        elif i < 48: f, g = b ^ c ^ d, (3 * i + 5) % 16
        else: f, g = c ^ (b | ~d), (7 * i) % 16
        f = (f + a + k[i] + m[g]) & 0xffffffff
        a, d, c = d, c, b
        b = (b + ((f << r[i]) | (f >> (32 - r[i])))) & 0xffffffff
    return struct.pack('<4I', *[(x + y) & 0xffffffff for x, y in zip(st, [a, b, c, d])]).hex()
def cram(pw):
    key = (pw if len(pw) <= 64 else hashlib.md5(pw).digest()).ljust(64, b'\0')
    return md5block(bytes(x ^ 0x36 for x in key)), md5block(bytes(x ^ 0x5c for x in key))
pw = sys.argv[1].encode()
lines = open(sys.argv[2]).read().split('\n')
print(lines[0])
for l in lines[1:]:
    f = l.split(' ')
    if f[0].startswith('scram'):
        h = 'sha256' if f[0] == 'scram-sha-256' else 'sha1'
        salt = base64.b64decode(f[2])
        sp = hashlib.pbkdf2_hmac(h, pw, salt, int(f[1]))
        stored = hashlib.new(h, hmac.new(sp, b'Client Key', h).digest()).digest()
        server = hmac.new(sp, b'Server Key', h).digest()
        ok = base64.b64decode(f[3]) == stored and base64.b64decode(f[4]) == server
        print(f[0], f[1], len(salt), 'ok' if ok else 'bad')
    elif f[0] == 'cram-md5':
        print(f[0], 'ok' if cram(pw) == (f[1], f[2]) else 'bad')
PY
}
tern-conf -c c init mail.example.com "$PWD/data" ; echo "exit $?"
tern-conf -c c add-domain example.com >/dev/null ; echo "exit $?"
tern-conf -c c add-account bob bob@example.com >/dev/null ; echo "exit $?"
tern-passwd -h ; echo "exit $?"
tern-passwd ; echo "exit $?"
tern-passwd -c c bob extra ; echo "exit $?"
echo 'correct horse' | tern-passwd -c c bob ; echo "exit $?"
stat -c '%a %n' data/accounts/bob data/accounts/bob/credentials
check 'correct horse'
check 'correct horsE' | grep -c bad
printf 'second-pass\r\n' | tern-passwd -c c bob ; echo "exit $?"
check 'second-pass'
cp data/accounts/bob/credentials before
printf 'second-pass' | tern-passwd -c c bob ; echo "exit $?"
cmp -s before data/accounts/bob/credentials ; echo "same file again: $? (1: fresh salts)"
echo "--- refusals"
printf 'short\n' | tern-passwd -c c bob ; echo "exit $?"
printf 'ééééééé\n' | tern-passwd -c c bob ; echo "exit $?"
printf 'éééééééé\n' | tern-passwd -c c bob ; echo "exit $?"
printf 'pass\0word-long\n' | tern-passwd -c c bob ; echo "exit $?"
head -c 1025 /dev/zero | tr '\0' x | tern-passwd -c c bob ; echo "exit $?"
: | tern-passwd -c c bob ; echo "exit $?"
echo | tern-passwd -c c bob ; echo "exit $?"
printf '\r\n' | tern-passwd -c c bob ; echo "exit $?"
python3 - <<'PY'  # on a terminal: an empty first answer is refused at once
import os, pty, select, signal, time
pid, fd = pty.fork()
if pid == 0: os.execvp("tern-passwd", ["tern-passwd", "-c", "c", "bob"])
out, end = b"", time.time() + 30
while time.time() < end:   # the prompt's TCSAFLUSH may discard an early answer: repeat it
    if not select.select([fd], [], [], 0.5)[0]:
        if b"Password: " in out: os.write(fd, b"\n")
        continue
    try: d = os.read(fd, 1024)
    except OSError: break
    if not d: break
    out += d
else: os.kill(pid, signal.SIGKILL)
print([l for l in out.decode().split("\r\n") if "fatal" in l]) ; print("exit", os.waitpid(pid, 0)[1] >> 8)
PY
echo 'long enough' | tern-passwd -c c nobody ; echo "exit $?"
echo 'long enough' | tern-passwd -c nowhere bob ; echo "exit $?"
check 'éééééééé'
echo 'from env var' | TERN_CONF=c tern-passwd bob ; echo "exit $?"
check 'from env var' | tail -n 1
