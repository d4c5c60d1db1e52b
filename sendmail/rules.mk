# tern-sendmail: the sendmail interface; runs tern-queue-inject or
# tern-smtp-out (with tern-tlsc), never links their code.
PROGS += tern-sendmail
tern-sendmail_OBJS = sendmail/tern-sendmail.o sendmail/tern-sendmail-opt.o sendmail/tern-sendmail-conf.o \
  sendmail/tern-sendmail-msg.o sendmail/tern-sendmail-addr.o sendmail/tern-sendmail-id.o \
  sendmail/tern-sendmail-send.o sendmail/tern-sendmail-run.o sendmail/tern-sendmail-dead.o
MAN += sendmail/tern-sendmail.8
