#!/bin/sh
# deps.sh PKG...: install the Debian packages that are missing, quietly.
# exit 0 all present, 111 could not install.
missing=
for p in "$@" ; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] ; then
  echo "tern: fatal: missing Debian packages:$missing; run: sudo make deps" >&2
  exit 111
fi
echo "tern: info: installing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections 2>/dev/null
# imap/t/webmail.test configures Roundcube in its own dir: no database set up by the package
echo "roundcube-core roundcube/dbconfig-install boolean false" | debconf-set-selections 2>/dev/null
apt-get update -qq >/dev/null 2>&1
apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 || {
  echo "tern: fatal: apt-get install$missing failed" >&2 ; exit 111 ; }
exit 0
