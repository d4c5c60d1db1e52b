/* tern-queue-inject: put one message (stdin) into the queue.
   usage: tern-queue-inject [ -c confdir ] [ -a account ] [ -i ip ] [ -H helo ] [ -8 ] [ -U ] [ -y fd ] -f sender [ -- ] rcpt...
   stdout: the queue id.  exit: 0 queued durably, 100 bad envelope or too
   big, 111 temporary.  See tern-queue-inject(8). */
#include "tern-queue-inject.h"

int main (int argc, char const *const *argv)
{
  return inject_run(argc, argv) ;
}
