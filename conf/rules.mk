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

SCRIPTS += tern-quickstart
tern-quickstart_SRC = conf/tern-quickstart.sh
MAN += conf/tern-quickstart.8
