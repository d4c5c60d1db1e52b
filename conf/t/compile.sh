# tern-conf compile writes every setting into config.cdb (dumped in record order)
mkdir -p c/domains c/accounts c/transports
cat > c/tern.conf <<'X'
hostname MAIL.Example.COM
datadir data
user 0
listen smtp 0.0.0.0:25
listen submissions 192.0.2.1:465
listen imaps [::1]:993
tls-cert /etc/ssl/rsa.pem
tls-key /etc/ssl/rsa.key
tls-cert ecdsa.pem
tls-key ecdsa.key
no-fix-permissions
postmaster bob
max-message-size 1048576
queue-max-attempts 5
queue-concurrency 3
subaddress-separator -
X
printf 'catchall bob\nroute relay from=.example.com\ndkim 2024a dkim/2024a.key\n' > c/domains/example.com
printf '# IDN domain\n' > c/domains/xn--mx-lka.example
cat > c/accounts/bob <<'X'
# Bob's account
address Bob@Example.com
address bob@møx.example
full-name Bob Example   
route relay to=.,gmail.com,.Example.Org min-attempts=4
junk-filter twograms=yes threshold=0.9
junk-flags yes
junk-mailbox ^(junk|spam)
neutral-mailbox ^(inbox|neutral)
notjunk-mailbox ^archive
rejects-mailbox Rejects
junk-reject temporary
X
printf 'address alice@example.com\njunk-reject no\n' > c/accounts/alice
printf 'submission smtp.example.net\nauth-user me@example.net\nauth-password-file secret/relay\n' > c/transports/relay
printf 'submissions [2001:db8::1]:4650\nauth-user u\nauth-password-file /p\nauth-mechanisms PLAIN,SCRAM-SHA-1\n' > c/transports/tls
printf 'smtp relay2.example.net\nno-starttls\n' > c/transports/plain
printf 'socks localhost:1080\nsocks-remote-ips 192.0.2.10,2001:db8::10\nsocks-remote-hostname out.example.com\n' > c/transports/sx
printf 'direct\n' > c/transports/d
printf '# global routes\nroute sx min-attempts=2\nroute d\n' > c/routes
tern-conf -c c check ; echo "exit $?"
ls c
tern-conf -c c compile ; echo "exit $?"
ls c
python3 "$TERN_SRC/conf/t/cdbdump.py" c/config.cdb | sed "s|$PWD|PWD|"
echo "--- a bad edit leaves config.cdb alone"
cp c/config.cdb old.cdb
echo 'colour blue' >> c/routes
tern-conf -c c compile ; echo "exit $?"
cmp old.cdb c/config.cdb && echo same
ls c
