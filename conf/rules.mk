PROGS += tern
tern_OBJS = conf/tern.o
MAN += conf/tern.1
PROGS += tern-conf
tern-conf_OBJS = conf/tern-conf.o conf/tern-conf-check.o conf/tern-conf-edit.o conf/tern-conf-cmds.o conf/tern-conf-acct.o conf/tern-conf-service.o conf/tern-conf-service-gen.o
MAN += conf/tern-conf.8
PROGS += tern-passwd
tern-passwd_OBJS = conf/tern-passwd.o
MAN += conf/tern-passwd.8

SCRIPTS += tern-localserve
tern-localserve_SRC = conf/tern-localserve.sh
MAN += conf/tern-localserve.8
PROGS += tern-localserve-bind
tern-localserve-bind_OBJS = conf/tern-localserve-bind.o

# tern-users(7): start a job as its user, create the users, repair permissions
PROGS += tern-runas
tern-runas_OBJS = conf/tern-runas.o
MAN += conf/tern-runas.8 conf/tern-users.7
PROGS += tern-install-users
tern-install-users_OBJS = conf/tern-install-users.o
MAN += conf/tern-install-users.8
PROGS += tern-fixperms
tern-fixperms_OBJS = conf/tern-fixperms.o conf/tern-fixperms-walk.o
MAN += conf/tern-fixperms.8
SCRIPTS += tern-door
tern-door_SRC = conf/tern-door.sh
MAN += conf/tern-door.8
SCRIPTS += tern-quickstart
tern-quickstart_SRC = conf/tern-quickstart.sh
MAN += conf/tern-quickstart.8
