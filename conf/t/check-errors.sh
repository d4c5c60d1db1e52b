# tern-conf check reports every problem as FILE:LINE: problem, exit 100
mkdir -p c/domains c/accounts c/transports
cat > c/tern.conf <<'X'
# a comment
hostname mail.example.com
datadir /var/lib/tern
   # indented comment
colour blue
hostname other.example.com
listen smtp 0.0.0.0:25
listen imap [::1]:143
listen pop3 0.0.0.0:110
listen smtp 0.0.0.0
listen smtp mail.example.com:25
no-fix-permissions yes
postmaster nobody
max-message-size lots
queue-max-attempts 0
subaddress-separator ab
tls-cert cert.pem
datadir
user no-such-user-here
X
printf '' > c/domains/example.com
printf 'catchall ghost\ndkim sel1\n' > c/domains/example.org
printf '' > c/domains/Example.net
printf 'catchall bob\n' > c/domains/xn--mx-lka.example
cat > c/accounts/bob <<'X'
address bob@example.com
address bob@@example.com
address bob@unknown.example
full-name Bob
route nowhere to=example.org
route relay to=.example.org,bad..domain
route relay colour=red
route relay min-attempts=x
junk-filter threshold=2
junk-flags maybe
junk-mailbox ^(junk|spam
neutral-mailbox a{1,2000}
rejects-mailbox INBOX
junk-reject sometimes
X
printf 'address alice@example.com\naddress BOB@example.com\njunk-filter onegrams=no\n' > c/accounts/alice
printf 'full-name Nobody\n' > c/accounts/noaddr
printf 'address x@example.com\n' > c/accounts/Bad_Name
printf 'smtp relay.example.com:2525\nsubmission relay.example.com\nauth-user me\n' > c/transports/relay
printf 'submissions smtp.example.com\nno-starttls\nstarttls-skip-verify\nauth-user u\nauth-password-file pw\nauth-mechanisms PLAIN,plain\n' > c/transports/tls
printf 'submission h.example.com:99999\nauth-mechanisms PLAIN,PLAIN\n' > c/transports/sub
printf 'socks 127.0.0.1\nsocks-remote-ips 1.2.3.4,nope\n' > c/transports/sx
printf 'direct\nsocks-remote-hostname x.example\n' > c/transports/dx
printf '\n' > c/transports/none
printf 'route relay\nroute nowhere\nfrom example.com\n' > c/routes
tern-conf -c c check ; echo "exit $?"
echo "--- missing hostname, NUL byte, control character"
mkdir d
printf 'datadir /x\nfull-name a\0b\nfoo \001\n' > d/tern.conf
tern-conf -c d check ; echo "exit $?"
echo "--- missing tern.conf"
mkdir e
tern-conf -c e check ; echo "exit $?"
echo "--- no confdir"
tern-conf -c nowhere check ; echo "exit $?"
TERN_CONF=nowhere2 tern-conf check ; echo "exit $?"
echo "--- usage"
tern-conf ; echo "exit $?"
tern-conf -c e frobnicate ; echo "exit $?"
tern-conf -c e check extra ; echo "exit $?"
tern-conf -h | head -n 1 ; echo "exit $?"
