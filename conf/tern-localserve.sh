#!/bin/sh
# tern-localserve: set up DIR once, then run every tern service on 127.0.0.1
# under s6-svscan until interrupted.  usage: tern-localserve [ -d dir ] [ -p password ]
# exit: 0 after an interrupt, 100 usage, 111 temporary.
PROG=tern-localserve
USAGE="usage: tern localserve [ -d dir ] [ -p password ]"
die() { code=$1 ; shift ; echo "$PROG: fatal: $*" >&2 ; exit "$code" ; }
dir=./localserve password=
while getopts hd:p: o ; do
  case $o in
    d) dir=$OPTARG ;;
    p) password=$OPTARG ;;
    h) echo "$USAGE" ; exit 0 ;;
    *) echo "$PROG: $USAGE" >&2 ; exit 100 ;;
  esac
done
shift $((OPTIND - 1))
[ $# = 0 ] || { echo "$PROG: $USAGE" >&2 ; exit 100 ; }
bin=$(dirname "$(readlink -f "$0")")
PATH=$bin:$PATH ; export PATH
command -v s6-svscan >/dev/null || die 111 "s6-svscan not found: apt-get install s6"
case $dir in /*) ;; *) dir=$(pwd)/$dir ;; esac
mkdir -p "$dir" || die 111 "unable to create $dir"
cd "$dir" || die 111 "unable to enter $dir"

setup() {
  tern-conf -c conf init localhost "$dir/data" >/dev/null || die 111 "unable to create the configuration"
  tern-conf -c conf add-domain localhost >/dev/null &&
  tern-conf -c conf add-account local local@localhost >/dev/null || die 111 "unable to add the local account"
  echo "deliver-remote-to local" >> conf/tern.conf
  tern-conf -c conf compile >/dev/null || die 111 "unable to compile the configuration"
  [ -n "$password" ] || password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  (umask 077 && printf '%s\n' "$password" > password) || die 111 "unable to write password"
  tern-passwd -c conf local < password || die 111 "unable to set the password"
  mkdir -p tls && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -days 3650 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
    -keyout tls/key.pem -out tls/cert.pem 2>/dev/null || die 111 "unable to make a certificate with openssl"
}

service() {  # service NAME COMMAND...: one s6 service directory
  name=$1 ; shift
  mkdir -p "service/$name"
  { echo "#!/bin/sh" ; echo "PATH=$bin:\$PATH" ; echo "exec 2>&1" ; echo "exec $*" ; } > "service/$name/run.tmp"
  chmod 755 "service/$name/run.tmp" && mv "service/$name/run.tmp" "service/$name/run"
}

[ -f conf/tern.conf ] || setup
[ -f password ] && [ -f tls/key.pem ] || die 100 "$dir is not a complete localserve directory"
[ -z "$password" ] || { printf '%s\n' "$password" > password && tern-passwd -c conf local < password ; } || die 111 "unable to set the password"
tls="tern-tls -k $dir/tls/key.pem -c $dir/tls/cert.pem"
rm -rf service && mkdir service
# tern-tls -L is the listener itself (no exec of the TLS helper per
# connection); -Z: tern-smtp-in is executed once and forks its sessions
service smtp "$tls -Z -L 127.0.0.1 1025 tern-smtp-in -c $dir/conf"
service submission "$tls -Z -L 127.0.0.1 1587 tern-smtp-in -c $dir/conf -s"
service submissions "$tls -S -L 127.0.0.1 1465 tern-smtp-in -c $dir/conf -s -S"
service queue "tern-queue-run -c $dir/conf"
if command -v tern-imap >/dev/null ; then
  service imap "tern-listen 127.0.0.1 1143 $tls tern-imap -c $dir/conf"
  service imaps "tern-listen 127.0.0.1 1993 $tls -S tern-imap -c $dir/conf -S"
fi
cat <<MSG
tern localserve: running in $dir (Ctrl-C stops)
  account:     local (address local@localhost), password: $(cat password)
  SMTP:        127.0.0.1:1025 (STARTTLS)
  submission:  127.0.0.1:1587 (STARTTLS, then AUTH as local)
  submissions: 127.0.0.1:1465 (implicit TLS)
  IMAP:        127.0.0.1:1143 (STARTTLS), IMAPS 127.0.0.1:1993
  certificate: $dir/tls/cert.pem (self-signed)
  Mail to any address is delivered to local's Inbox.
MSG
s6-svscan service &
svscan=$!
trap 'kill -INT $svscan 2>/dev/null' INT TERM
wait $svscan
wait $svscan
exit 0
