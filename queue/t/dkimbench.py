# dkimbench.py: see dkim.bench.  Both sign in one process, each signature
# reading the message and (tern) the key file again, as the runner does.
import base64, os, subprocess, time
import dkim

SIGN = os.path.join(os.environ.get("TERN_BIN", os.path.join(os.environ["TERN_SRC"], "bin")), "t/dkim-sign")
N = int(os.environ.get("N", "200"))
subprocess.run(["openssl", "genrsa", "-out", "rsa.pem", "2048"], capture_output=True)
subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", "ed.pem"], capture_output=True)
rsakey = open("rsa.pem", "rb").read()
edseed = base64.b64encode(subprocess.run(["openssl", "pkey", "-in", "ed.pem", "-outform", "DER"], capture_output=True).stdout[-32:])
H = b"From: Bob <bob@example.org>\r\nTo: x@dst.test\r\nSubject: bench\r\nDate: Fri, 04 Dec 2026 01:00:00 +0000\r\nMessage-ID: <b@example.org>\r\n\r\n"
for size in (4096, 1 << 20):
    msg = H + (b"x" * 76 + b"\r\n") * (size // 78)
    open("m", "wb").write(msg)
    for alg, key, pykey in (("rsa-sha256", "rsa.pem", rsakey), ("ed25519-sha256", "ed.pem", edseed)):
        n = N if size < 65536 else max(N // 10, 5)
        t0 = time.time()
        with open("m", "rb") as f:
            subprocess.run([SIGN, "-n", str(n), "example.org", "1700000000", "sel", key], stdin=f, stdout=subprocess.DEVNULL, check=True)
        tt = n / (time.time() - t0)
        t0 = time.time()
        for _ in range(n):
            dkim.sign(msg, b"sel", b"example.org", pykey, canonicalize=(b"relaxed", b"relaxed"), signature_algorithm=alg.encode(),
                      include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
        tp = n / (time.time() - t0)
        print("dkim sign %s %d KiB: tern %.0f msg/s, dkimpy %.0f msg/s, ratio %.2f"
              % (alg, size // 1024, tt, tp, tt / tp))
