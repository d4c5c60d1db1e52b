#!/bin/sh
# tern-container-start: the container's command: the users, the
# permissions, then s6-svscan on the service tree of /etc/tern.
conf=${TERN_CONF:-/etc/tern}
if [ ! -f "$conf/tern.conf" ] ; then
  echo "tern-container-start: fatal: no $conf/tern.conf: run once" \
    "docker run -it -v tern-etc:/etc/tern -v tern-data:/var/lib/tern IMAGE tern quickstart you@example.com mail.example.com" >&2
  exit 100
fi
tern install-users || exit 111
tern fixperms || exit 111
exec s6-svscan "$conf/service"
