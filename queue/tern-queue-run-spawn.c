/* tern-queue-run-spawn: starting tern-smtp-out for a remote delivery. */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <unistd.h>
#include "tern-queue-run.h"

/* tern-smtp-out with in on fd 0 and out on fd 1, started by posix_spawn
   (vfork and exec: the runner's memory is neither copied nor counted
   twice, even for an instant); its pid, or -1 with errno */
pid_t remote_spawn (int in, int out, msg const *m, char const *line, unsigned int const *rcpts, unsigned int n, int batch)
{
  extern char **environ ;
  char const *argv[9 + 2 * 16 + n] ;  /* a transport line has few words */
  char buf[strlen(line) + 1] ;
  unsigned int a = 0 ;
  posix_spawn_file_actions_t fa ;
  posix_spawnattr_t at ;
  sigset_t none, dfl ;
  pid_t pid ;
  int e ;
  argv[a++] = "tern-smtp-out" ; argv[a++] = "-c" ; argv[a++] = confdir ;
  if (batch) argv[a++] = "-m" ;
  else
  {
    if (m->env.flags & TERN_QENV_UTF8) argv[a++] = "-u" ;
    argv[a++] = "-f" ; argv[a++] = m->env.from.s ;
  }
  memcpy(buf, line, sizeof buf) ;
  for (char *s = buf ; *s && a < 6 + 32 ;)
  {
    argv[a++] = s ;
    s += strcspn(s, " ") ;
    if (*s) *s++ = 0 ;
  }
  if (!batch)
  {
    argv[a++] = "--" ;
    for (unsigned int i = 0 ; i < n ; i++) argv[a++] = rcpt_addr(m, rcpts[i]) ;
  }
  argv[a] = 0 ;
  sigemptyset(&none) ;
  sigemptyset(&dfl) ;
  sigaddset(&dfl, SIGPIPE) ;
  sigaddset(&dfl, SIGTERM) ;
  if ((e = posix_spawn_file_actions_init(&fa))) { errno = e ; return -1 ; }
  if ((e = posix_spawnattr_init(&at))) { posix_spawn_file_actions_destroy(&fa) ; errno = e ; return -1 ; }
  if (!(e = posix_spawn_file_actions_adddup2(&fa, in, 0))
   && !(e = posix_spawn_file_actions_adddup2(&fa, out, 1))
   && !(e = posix_spawnattr_setsigmask(&at, &none))
   && !(e = posix_spawnattr_setsigdefault(&at, &dfl))
   && !(e = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)))
    e = posix_spawnp(&pid, argv[0], &fa, &at, (char *const *)argv, environ) ;
  posix_spawnattr_destroy(&at) ;
  posix_spawn_file_actions_destroy(&fa) ;
  if (e) { errno = e ; return -1 ; }
  return pid ;
}
