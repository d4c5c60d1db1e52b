/* tern_errtemp: is errno e temporary?  A wrong "temp" costs a retry; a
   wrong "perm" loses mail, so anything unknown is temporary. */
#include <errno.h>
#include "tern.h"

int tern_errtemp (int e)
{
  switch (e)
  {
    case ENAMETOOLONG : case ELOOP : case ENOTDIR : case EISDIR :
    case EINVAL : case EFBIG :
      return 0 ;
    default : return 1 ;
  }
}

int tern_errcode (int e)
{
  return tern_errtemp(e) ? TERN_TEMP : TERN_PERM ;
}
