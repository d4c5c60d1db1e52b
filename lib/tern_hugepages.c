/* tern_hugepages: asks the kernel for transparent huge pages under a large
   array about to be filled (madvise MADV_HUGEPAGE on the 2 MB-aligned part
   of it): a few faults instead of one a 4 KB page.  tern_prefault: the
   pages of an array about to be filled made present in one system call
   (MADV_POPULATE_WRITE, Linux 5.14) instead of a fault each.  Only hints:
   errors are ignored, small arrays left alone. */
#include <stdint.h>
#include <sys/mman.h>
#include "tern.h"

void tern_hugepages (void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
  uintptr_t a = ((uintptr_t)p + 0x1fffff) & ~(uintptr_t)0x1fffff ;
  uintptr_t b = ((uintptr_t)p + len) & ~(uintptr_t)0x1fffff ;
  if (len >= 0x400000 && b > a) madvise((void *)a, b - a, MADV_HUGEPAGE) ;
#else
  (void)p ; (void)len ;
#endif
}

void tern_prefault (void *p, size_t len)
{
#ifdef MADV_POPULATE_WRITE
  uintptr_t a = ((uintptr_t)p + 0xfff) & ~(uintptr_t)0xfff ;
  uintptr_t b = ((uintptr_t)p + len) & ~(uintptr_t)0xfff ;
  if (len >= 0x10000 && b > a) madvise((void *)a, b - a, MADV_POPULATE_WRITE) ;
#else
  (void)p ; (void)len ;
#endif
}
