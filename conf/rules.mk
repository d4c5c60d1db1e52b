PROGS += tern
tern_OBJS = conf/tern.o
MAN += conf/tern.1
