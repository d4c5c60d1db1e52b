# tern-gentestdata: a complete configuration and data directory for tests.
PROGS += tern-gentestdata
tern-gentestdata_OBJS = gentestdata/tern-gentestdata.o gentestdata/tern-gentestdata-conf.o \
  gentestdata/tern-gentestdata-mail.o gentestdata/tern-gentestdata-queue.o gentestdata/tern-gentestdata-junk.o
MAN += gentestdata/tern-gentestdata.8
