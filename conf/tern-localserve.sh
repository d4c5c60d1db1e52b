#!/bin/sh
# tern-localserve: set up DIR once, then run every tern service on 127.0.0.1
# under s6-svscan until interrupted.
# usage: tern-localserve [ -d dir ] [ -p password ] [ -P base ]
# exit: 0 after an interrupt, 100 usage, 111 temporary (a port taken).
PROG=tern-localserve
# A shell cannot trap a signal that was ignored when it started, and a
# background job's SIGINT is (setsid tern localserve & ... kill -INT):
# start again once with INT, QUIT, TERM and HUP at their defaults.
if [ -z "${TERN_LOCALSERVE_SIGDFL:-}" ] ; then
  TERN_LOCALSERVE_SIGDFL=1 exec env --default-signal=INT,QUIT,TERM,HUP "$0" "$@"
fi
unset TERN_LOCALSERVE_SIGDFL
USAGE="usage: tern localserve [ -d dir ] [ -p password ] [ -P base ]"
die() { code=$1 ; shift ; echo "$PROG: fatal: $*" >&2 ; exit "$code" ; }
dir=./localserve password= base=1000
while getopts hd:p:P: o ; do
  case $o in
    d) dir=$OPTARG ;;
    p) password=$OPTARG ;;
    P) base=$OPTARG ;;
    h) echo "$USAGE" ; exit 0 ;;
    *) echo "$PROG: $USAGE" >&2 ; exit 100 ;;
  esac
done
shift $((OPTIND - 1))
[ $# = 0 ] || { echo "$PROG: $USAGE" >&2 ; exit 100 ; }
case $base in ''|*[!0-9]*|0?*) die 100 "bad port base: $base" ;; esac
[ ${#base} -le 5 ] && [ "$base" -le 64542 ] || die 100 "bad port base: $base (at most 64542)"
smtp=$((base + 25)) submission=$((base + 587)) submissions=$((base + 465)) imap=$((base + 143)) imaps=$((base + 993))
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
  echo 10000 > "service/$name/timeout-kill"  # a stop never hangs on one process
}

[ -f conf/tern.conf ] || setup
[ -f password ] && [ -f tls/key.pem ] || die 100 "$dir is not a complete localserve directory"
[ -z "$password" ] || { printf '%s\n' "$password" > password && tern-passwd -c conf local < password ; } || die 111 "unable to set the password"
tls="tern-tls -k $dir/tls/key.pem -c $dir/tls/cert.pem"
ports="smtp:$smtp submission:$submission submissions:$submissions"
command -v tern-imap >/dev/null && ports="$ports imap:$imap imaps:$imaps"
tern-localserve-bind 127.0.0.1 $ports || exit 111
rm -rf service && mkdir service
# tern-tls -L is the listener itself (no exec of the TLS helper per
# connection); -Z: tern-smtp-in is executed once and forks its sessions
service smtp "$tls -Z -L 127.0.0.1 $smtp tern-smtp-in -c $dir/conf"
service submission "$tls -Z -L 127.0.0.1 $submission tern-smtp-in -c $dir/conf -s"
service submissions "$tls -S -L 127.0.0.1 $submissions tern-smtp-in -c $dir/conf -s -S"
service queue "tern-queue-run -c $dir/conf"
if command -v tern-imap >/dev/null ; then
  service imap "tern-listen 127.0.0.1 $imap $tls tern-imap -c $dir/conf"
  service imaps "tern-listen 127.0.0.1 $imaps $tls -S tern-imap -c $dir/conf -S"
fi

# s6-svscan gets a session of its own, so a terminal's Ctrl-C or a signal
# to our process group reaches this script only (s6-supervise would act on
# SIGINT by itself and leave its service behind); the script then asks
# s6-svscan to bring the tree down, and waits until every process of its
# session has ended.
svscan= stopping=
sids=
stop() {
  stopping=1
  [ -n "$svscan" ] || return
  # each service is a session leader: its pid names the session its children share
  for s in service/* ; do p=$(s6-svstat -o pid "$s" 2>/dev/null) && [ "${p:--1}" -gt 0 ] && sids="$sids,$p" ; done
  kill -TERM "$svscan" 2>/dev/null
}
trap stop INT TERM HUP QUIT
s6-setsid s6-svscan service &
svscan=$!
[ -z "$stopping" ] || stop
cat <<MSG
tern localserve: running in $dir (Ctrl-C stops)
  account:     local (address local@localhost), password: $(cat password)
  SMTP:        127.0.0.1:$smtp (STARTTLS)
  submission:  127.0.0.1:$submission (STARTTLS, then AUTH as local)
  submissions: 127.0.0.1:$submissions (implicit TLS)
  IMAP:        127.0.0.1:$imap (STARTTLS), IMAPS 127.0.0.1:$imaps
  certificate: $dir/tls/cert.pem (self-signed)
  Mail to any address is delivered to local's Inbox.
MSG
while kill -0 "$svscan" 2>/dev/null ; do wait "$svscan" ; done
# A process of the tree may outlive s6-svscan (a listener's child ending
# its connection): it is in its service's session; wait for them all,
# TERM after 5 s, KILL after 15 s.
left() { ps -o pid=,stat= -s "$svscan$sids" 2>/dev/null | awk '$2 !~ /^Z/ { print $1 }' ; }
i=0
while [ -n "$(left)" ] && [ $i -lt 150 ] ; do
  [ $i = 50 ] && kill -TERM $(left) 2>/dev/null
  sleep 0.1 ; i=$((i + 1))
done
[ -z "$(left)" ] || kill -KILL $(left) 2>/dev/null
[ -n "$stopping" ] || die 111 "s6-svscan ended"
exit 0
