/* tern_qstate_io: read and atomically replace a state file. */
#include <errno.h>
#include <skalibs/djbunix.h>
#include "tern.h"
#include "tern_queue.h"

int tern_qstate_read (tern_qstate *st, char const *path, unsigned int nrcpt)
{
  stralloc sa = STRALLOC_ZERO ;
  int r ;
  if (!openslurpclose(&sa, path))
  {
    if (errno != ENOENT) return TERN_TEMP ;
    return tern_qstate_init(st, nrcpt) ? TERN_OK : TERN_TEMP ;
  }
  r = tern_qstate_parse(st, sa.s, sa.len, nrcpt) ;
  stralloc_free(&sa) ;
  if (r == TERN_PERM) errno = EPROTO ;
  return r ;
}

int tern_qstate_write (tern_qstate const *st, char const *path)
{
  stralloc sa = STRALLOC_ZERO ;
  int ok = tern_qstate_fmt(&sa, st) && tern_file_replace(path, sa.s, sa.len, 0600) ;
  int e = errno ;
  stralloc_free(&sa) ;
  errno = e ;
  return ok ;
}
