# tern-conf init/add/remove edit the text files, compile, refuse and roll back
tern conf -c c init mail.example.com /var/lib/tern ; echo "exit $?"
tern-conf -c c init other.example.com /x ; echo "exit $?"
tern-conf -c bad init 'bad..host' /x ; echo "exit $?"
ls bad
tern-conf -c c add-domain Example.COM ; echo "exit $?"
tern-conf -c c add-domain møx.example ; echo "exit $?"
tern-conf -c c add-domain example.com ; echo "exit $?"
tern-conf -c c add-domain 'a b' ; echo "exit $?"
ls c/domains
cat c/domains/example.com
echo "--- accounts"
tern-conf -c c add-account bob bob@example.com ; echo "exit $?"
cat c/accounts/bob
tern-conf -c c add-account bob other@example.com ; echo "exit $?"
tern-conf -c c add-account Bob x@example.com ; echo "exit $?"
tern-conf -c c add-account eve BOB@example.com ; echo "exit $?"
tern-conf -c c add-account eve eve@nowhere.example ; echo "exit $?"
tern-conf -c c add-account eve "$(printf 'eve@example.com\nroute x')" ; echo "exit $?"
ls c/accounts
echo "--- addresses"
printf '# mine\naddress bob@example.com\n# keep this\nfull-name Bob\nroute-less line' > c/accounts/bob
tern-conf -c c add-address bob robert@møx.example ; echo "exit $?"
tern-conf -c c add-address bob bob@elsewhere.example ; echo "exit $?"
tern-conf -c c add-address nobody x@example.com ; echo "exit $?"
cat c/accounts/bob ; echo
printf '# mine\naddress bob@example.com\n# keep this\nfull-name Bob\n' > c/accounts/bob
tern-conf -c c add-address bob robert@møx.example ; echo "exit $?"
tern-conf -c c add-address bob b2@example.com ; echo "exit $?"
cat c/accounts/bob
tern-conf -c c remove-address ROBERT@xn--mx-lka.example ; echo "exit $?"
tern-conf -c c remove-address nobody@example.com ; echo "exit $?"
tern-conf -c c remove-address b2@example.com ; echo "exit $?"
tern-conf -c c remove-address bob@example.com ; echo "exit $?"
cat c/accounts/bob
echo "--- domains in use"
tern-conf -c c remove-domain example.com ; echo "exit $?"
tern-conf -c c add-account catchme catchme@example.com ; echo "exit $?"
tern-conf -c c remove-address bob@example.com ; echo "exit $?"
printf 'catchall catchme\n' > c/domains/xn--mx-lka.example
tern-conf -c c compile ; echo "exit $?"
tern-conf -c c remove-domain møx.example ; echo "exit $?"
tern-conf -c c remove-account catchme ; echo "exit $?"
ls c/accounts
printf '' > c/domains/xn--mx-lka.example
tern-conf -c c remove-domain møx.example ; echo "exit $?"
tern-conf -c c remove-domain møx.example ; echo "exit $?"
ls c/domains
echo "--- postmaster keeps its account"
echo 'postmaster bob' >> c/tern.conf
tern-conf -c c remove-account bob ; echo "exit $?"
ls c/accounts
sed -i '/postmaster/d' c/tern.conf
tern-conf -c c remove-account bob ; echo "exit $?"
tern-conf -c c remove-account bob ; echo "exit $?"
ls c/accounts
ls c | grep -v -e '^accounts$' -e '^domains$' -e '^transports$'
