# The queue: inject (the only way in), the runner, local delivery, listing.
PROGS += tern-queue-inject
tern-queue-inject_OBJS = queue/tern-queue-inject.o queue/tern-queue-inject-write.o
MAN += queue/tern-queue-inject.8 queue/tern-queue.5

