# The queue: inject (the only way in), the runner, local delivery, listing.
PROGS += tern-queue-inject
tern-queue-inject_OBJS = queue/tern-queue-inject.o queue/tern-queue-inject-write.o
MAN += queue/tern-queue-inject.8 queue/tern-queue.5


PROGS += tern-queue-local
tern-queue-local_OBJS = queue/tern-queue-local.o
MAN += queue/tern-queue-local.8

PROGS += tern-queue-run
tern-queue-run_OBJS = queue/tern-queue-run.o queue/tern-queue-run-scan.o \
  queue/tern-queue-run-msg.o queue/tern-queue-run-deliver.o
MAN += queue/tern-queue-run.8

PROGS += tern-queue
tern-queue_OBJS = queue/tern-queue.o
MAN += queue/tern-queue.8
