#!/bin/sh
# tern-quickstart: a real deployment's configuration, password, TLS pair,
# DKIM keys and service tree, then the DNS records and commands to finish.
# usage: tern quickstart [ -c confdir ] [ -d datadir ] [ -s svcdir ] [ -l logdir ] you@example.com [ hostname ]
# exit: 0 done, 100 usage or existing configuration, 111 a step failed.
PROG=tern-quickstart
USAGE="usage: tern quickstart [ -c confdir ] [ -d datadir ] [ -s svcdir ] [ -l logdir ] you@example.com [ hostname ]"
die() { code=$1 ; shift ; echo "$PROG: fatal: $*" >&2 ; exit "$code" ; }
conf= data=/var/lib/tern svc= logs=/var/log/tern
while getopts hc:d:s:l: o ; do
  case $o in
    c) conf=$OPTARG ;;
    d) data=$OPTARG ;;
    s) svc=$OPTARG ;;
    l) logs=$OPTARG ;;
    h) echo "$USAGE" ; exit 0 ;;
    *) echo "$PROG: $USAGE" >&2 ; exit 100 ;;
  esac
done
shift $((OPTIND - 1))
[ $# = 1 ] || [ $# = 2 ] || { echo "$PROG: $USAGE" >&2 ; exit 100 ; }
addr=$1 host=${2:-$(hostname -f 2>/dev/null || hostname)}
bin=$(dirname "$(readlink -f "$0")")
PATH=$bin:$PATH ; export PATH
[ -n "$conf" ] || conf=${TERN_CONF:-/etc/tern}
abs() { case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac ; }
conf=$(abs "$conf") data=$(abs "$data") logs=$(abs "$logs") svc=$(abs "${svc:-$conf/service}")
case $addr in *@*.*) ;; *) die 100 "not an address with a domain: $addr" ;; esac
case $host in *.*) ;; *) die 100 "not a fully qualified hostname: $host (give it as the second argument)" ;; esac
[ ! -e "$conf/tern.conf" ] || die 100 "$conf/tern.conf exists: tern quickstart makes a new configuration only"
command -v openssl >/dev/null || die 111 "openssl not found: apt-get install openssl"
local=${addr%@*}
name=$(printf '%s' "$local" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9._-' '-' | cut -c 1-64)
case $name in [a-z0-9]*) ;; *) name=admin ;; esac
day=$(date -u +%Y%m%d)

tern-conf -c "$conf" init "$host" "$data" >/dev/null || die 111 "unable to create the configuration in $conf"
tern-conf -c "$conf" add-domain "${addr##*@}" >/dev/null || die 111 "unable to add the domain of $addr (remove $conf to try again)"
domain=$(ls "$conf/domains")
tern-conf -c "$conf" add-account "$name" "$addr" >/dev/null || die 111 "unable to add the account $name (remove $conf to try again)"

(umask 077 && mkdir -p "$conf/tls" && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -days 90 -subj "/CN=$host" -addext "subjectAltName=DNS:$host" \
  -keyout "$conf/tls/key.pem" -out "$conf/tls/cert.pem" 2>/dev/null) || die 111 "unable to make a certificate with openssl"
chmod 644 "$conf/tls/cert.pem"
mkdir -p "$conf/dkim" || die 111 "unable to create $conf/dkim"
for s in a b ; do
  (umask 027 && openssl genrsa -out "$conf/dkim/$day$s.pem" 2048 2>/dev/null && chmod 640 "$conf/dkim/$day$s.pem") \
    || die 111 "unable to make a DKIM key with openssl"
  echo "dkim $day$s dkim/$day$s.pem" >> "$conf/domains/$domain"
done
cat >> "$conf/tern.conf" <<EOF
postmaster $name
listen smtp 0.0.0.0:25
listen submission 0.0.0.0:587
listen submissions 0.0.0.0:465
listen imap 0.0.0.0:143
listen imaps 0.0.0.0:993
tls-cert tls/cert.pem
tls-key tls/key.pem
junk-socket $data/door/socket
EOF
tern-conf -c "$conf" compile || die 111 "unable to compile the configuration (remove $conf to try again)"
password=$(head -c 16 /dev/urandom | base64)
printf '%s\n' "$password" | tern-passwd -c "$conf" "$name" || die 111 "unable to set the password"
tern-conf -c "$conf" installservice -l "$logs" "$svc" || die 111 "unable to write the service tree into $svc"

# DNS: a TXT value in strings of at most 255 bytes
txt() { printf '%s' "$1" | fold -w 250 | sed 's/.*/"&"/' | tr '\n' ' ' | sed 's/ $//' ; }
spf="v=spf1"
for ip in $(hostname -I 2>/dev/null) ; do
  case $ip in 127.*|::1|fe80:*|169.254.*) ;; *:*) spf="$spf ip6:$ip" ;; *) spf="$spf ip4:$ip" ;; esac
done
env= ; [ "$conf" = /etc/tern ] || env="TERN_CONF=$conf "
cat <<EOF
tern quickstart: configuration in $conf, data in $data, services in $svc, logs in $logs
  account:  $name (address $addr), password: $password
  (printed once, kept nowhere in clear; change it with: tern passwd $name)
  TLS:      $conf/tls/cert.pem is self-signed: put a real certificate and its key there

DNS records to publish (zone file syntax):
$domain. MX 10 $host.
$domain. TXT $(txt "$spf mx ~all")
$host. TXT $(txt "v=spf1 a -all")
EOF
for s in a b ; do
  p=$(openssl rsa -in "$conf/dkim/$day$s.pem" -pubout -outform DER 2>/dev/null | base64 -w 0) || die 111 "unable to read the DKIM key $day$s"
  echo "$day$s._domainkey.$domain. TXT $(txt "v=DKIM1; k=rsa; h=sha256; p=$p")"
done
cat <<EOF
_dmarc.$domain. TXT $(txt "v=DMARC1; p=reject; rua=mailto:$addr")
_smtp._tls.$domain. TXT $(txt "v=TLSRPTv1; rua=mailto:$addr")
_mta-sts.$domain. TXT $(txt "v=STSv1; id=${day}1")
(MTA-STS also needs its policy at https://mta-sts.$domain/.well-known/mta-sts.txt,
which tern does not serve; leave the _mta-sts record out without it.)
Also: $host's A/AAAA records, and reverse DNS (PTR) of its addresses naming $host.

To finish, as root:
  ${env}tern install-users
  ${env}tern fixperms
  systemctl link $svc/tern.service && systemctl enable --now tern
  (without systemd: s6-svscan $svc, from the init system)
To check the DNS once published:
  tern dnscheck $domain
EOF
