#!/bin/sh
# tern-door: the junk door's request, run by s6-sudod as the store's owner
# for a tern-smtp-in session that may not read the store (tern-users(7)).
# usage: tern-door -c confdir classify ACCOUNT | copy MAILBOX ACCOUNT [SKIP]
# exit: that of tern-junk or tern-queue-local; 100 a request it refuses.
PROG=tern-door
USAGE="usage: tern-door -c confdir classify ACCOUNT | copy MAILBOX ACCOUNT [SKIP]"
die() { code=$1 ; shift ; echo "$PROG: fatal: $*" >&2 ; exit "$code" ; }
PATH=$(dirname "$(readlink -f "$0")"):$PATH ; export PATH
[ $# -ge 4 ] && [ "$1" = -c ] || die 100 "$USAGE"
conf=$2 ; shift 2
account() {
  case $1 in ''|[!a-z0-9]*|*[!a-z0-9._-]*) die 100 "bad account name" ;; esac
  [ ${#1} -le 64 ] || die 100 "bad account name"
}
case $1 in
  classify)
    [ $# = 2 ] || die 100 "$USAGE"
    account "$2"
    exec tern-junk classify -c "$conf" -a "$2" ;;
  copy)
    [ $# = 3 ] || [ $# = 4 ] || die 100 "$USAGE"
    account "$3"
    case $2 in ''|-*) die 100 "bad mailbox name" ;; esac
    [ $# = 3 ] && exec tern-queue-local -S -P -m "$2" -c "$conf" -- "$3"
    case $4 in ''|*[!0-9]*) die 100 "bad skip (a number)" ;; esac
    [ ${#4} -le 12 ] || die 100 "bad skip (a number)"
    exec tern-queue-local -S -P -m "$2" -R "$4" -c "$conf" -- "$3" ;;
  *) die 100 "unknown request (classify or copy)" ;;
esac
