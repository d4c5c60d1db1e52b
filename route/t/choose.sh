# tern-route: a table of attempts against account, domain and global routes
mkdir -p c/domains c/accounts c/transports
printf 'hostname mail.example.com\ndatadir data\n' > c/tern.conf
printf 'route smarthost to=.example.org,.example.net\n' > c/domains/example.com
printf '# IDN\n' > c/domains/xn--mx-lka.example
printf 'address bob@example.com\nroute plain to=.example.org\nroute tls to=bob.test min-attempts=2\n' > c/accounts/bob
printf 'address alice@example.com\n' > c/accounts/alice
printf 'submission smtp.example.net\nauth-user my user%%1\nauth-password-file secret/relay\n' > c/transports/relay
printf 'smtp smarthost.example.net:2525\n' > c/transports/smarthost
printf 'smtp plain.example.net\nno-starttls\n' > c/transports/plain
printf 'smtp skip.example.net\nstarttls-skip-verify\nno-starttls\n' > c/transports/skip
printf 'submissions [2001:db8::1]:4650\nauth-user u\nauth-password-file /p\nauth-mechanisms PLAIN,SCRAM-SHA-1\n' > c/transports/tls
printf 'socks 127.0.0.1:1080\nsocks-remote-ips 192.0.2.10\nsocks-remote-hostname out.example.com\n' > c/transports/sx
printf 'direct\n' > c/transports/d
cat > c/routes <<'X'
route d to=internal.test
route sx from=.
route skip to=møx.example
route relay min-attempts=4
X
tern-conf -c c compile ; echo "compile exit $?"
r() { echo "--- $*" ; tern-route -c c "$@" > out 2>&1 ; rc=$? ; sed "s|$PWD|PWD|" out ; echo "exit $rc" ; }
echo "== 4th attempt onward: global min-attempts=4 via relay"
for n in 0 1 2 3 4 5 ; do r -n $n carol@other.test example.net ; done
echo "== a route to a direct transport overrides the broader later one"
r -v -n 5 carol@other.test internal.test
r -v -n 5 carol@other.test sub.internal.test
echo "== subdomains: .example.org matches itself and a.b.example.org, not badexample.org"
r -v alice@example.com example.org
r -v alice@example.com a.b.example.org
r -v alice@example.com badexample.org
r -v alice@example.com example.org.evil
echo "== account over domain over global"
r -v -a bob bob@example.com example.org
r -v -a alice alice@example.com example.org
r -v -a bob bob@example.com bob.test
r -v -a bob -n 2 bob@example.com bob.test
r -v -a bob -n 5 carol@other.test bob.test
r -v -a nobody -n 4 carol@other.test example.org
r -v -n 4 bob@EXAMPLE.COM example.org
echo "== the null sender matches from=."
r -v '' example.org
r -v '' '[192.0.2.1]'
r -v -n 9 carol@other.test '[192.0.2.1]'
echo "== IDN"
r -v carol@other.test møx.example
r -v carol@other.test XN--MX-LKA.example
r -v carol@other.test bob@MØX.example
r -v -a bob bob@møx.example a.example.org
echo "== forced transport"
r -v -T relay -a bob bob@example.com example.org
r -T d carol@other.test example.org
r -T gone carol@other.test example.org
r -T ../x carol@other.test example.org
r -T relay:auth-user carol@other.test example.org
echo "== tern route test"
tern route test -c c -from bob@example.com -to x@a.example.org -account bob ; echo "exit $?"
tern route test -c c -from carol@other.test -to example.net -attempt 4 | sed "s|$PWD|PWD|"
tern route test -c c -from carol@other.test ; echo "exit $?"
tern route test -c c -from bob@example.com -to x@a.example.org -account ghost ; echo "exit $?"
tern route test -c c -from a@b.test -to c.test -colour blue ; echo "exit $?"
echo "== errors"
r bob@ example.org
r carol@other.test a..b
r carol@other.test ☺.example
r -n x carol@other.test example.org
r -a Bob/x carol@other.test example.org
r carol@other.test
tern-route -c nowhere a@b.test c.test ; echo "exit $?"
printf "v\n2\n" > c/config.cdb ; tern-route -c c a@b.test c.test ; echo "exit $?"
tern-route -h | head -n 1 ; echo "exit $?"
exit 0
