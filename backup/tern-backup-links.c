/* tern-backup-links: when message files are copied (another file system),
   the files of an account with more than one link (IMAP COPY) are copied
   once: a map (dev, inode) -> backup path, of those files only, bounded. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include "tern.h"
#include "tern-backup.h"

typedef struct ent_s ent ;
struct ent_s
{
  dev_t dev ;
  ino_t ino ;
  size_t off ;   /* the path in paths, NUL-terminated; 0: empty slot */
} ;

static ent *tab = 0 ;
static size_t cap = 0, n = 0 ;
static stralloc paths = STRALLOC_ZERO ;

static size_t slot (dev_t dev, ino_t ino)
{
  uint64_t h = ((uint64_t)ino * 0x9e3779b97f4a7c15ull) ^ (uint64_t)dev ;
  size_t i = (size_t)(h >> 17) & (cap - 1) ;
  while (tab[i].off && (tab[i].dev != dev || tab[i].ino != ino)) i = (i + 1) & (cap - 1) ;
  return i ;
}

/* the backup path of (dev, ino), or 0 */
char const *bk_links_find (dev_t dev, ino_t ino)
{
  size_t i ;
  if (!n) return 0 ;
  i = slot(dev, ino) ;
  return tab[i].off ? paths.s + tab[i].off : 0 ;
}

static int grow (void)
{
  ent *old = tab ;
  size_t oldcap = cap ;
  cap = cap ? cap << 1 : 1024 ;
  tab = calloc(cap, sizeof *tab) ;
  if (!tab) { tab = old ; cap = oldcap ; return 0 ; }
  for (size_t i = 0 ; i < oldcap ; i++) if (old[i].off) tab[slot(old[i].dev, old[i].ino)] = old[i] ;
  free(old) ;
  return 1 ;
}

/* remember rel (relative to destdir) for (dev, ino); past BK_LINKS_MAX
   files, or out of memory, the next links of a file are copies */
void bk_links_add (dev_t dev, ino_t ino, char const *rel)
{
  size_t i ;
  if (n >= BK_LINKS_MAX || ((n + 1) * 2 > cap && !grow())) return ;
  if (!paths.len && !stralloc_catb(&paths, "", 1)) return ;   /* offset 0 means empty */
  i = slot(dev, ino) ;
  if (tab[i].off) return ;
  tab[i].dev = dev ; tab[i].ino = ino ; tab[i].off = paths.len ;
  if (!stralloc_cats(&paths, rel) || !stralloc_0(&paths)) { tab[i].off = 0 ; return ; }
  n++ ;
}

void bk_links_free (void)
{
  free(tab) ;
  tab = 0 ; cap = n = 0 ;
  stralloc_free(&paths) ;
}
