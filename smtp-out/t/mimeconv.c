/* mimeconv.c: tern-smtp-out's MIME conversion (tern-smtp-out-mime.c,
   included) of one file, for mimeconv.test.
   usage: smtp-mime 0|1|2 FILE (SCAN, LONG, 8BIT)
   stdout: the converted copy.  exit: 0, 1 cannot convert (why on stderr),
   111 error. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include "../tern-smtp-out-mime.c"

int main (int argc, char **argv)
{
  static sout o ;
  char const *why ;
  char buf[65536] ;
  struct stat st ;
  ssize_t n ;
  int r ;
  if (argc != 3 || (o.msgfd = open(argv[2], O_RDONLY)) < 0 || fstat(o.msgfd, &st) < 0) return 111 ;
  o.msgoff = 0 ; o.msglen = (unsigned long long)st.st_size ;
  r = so_mime(&o, atoi(argv[1]), &why) ;
  if (r < 0) return 111 ;
  if (!r) { fprintf(stderr, "smtp-mime: %s\n", why) ; return 1 ; }
  if (lseek(o.msgfd, 0, SEEK_SET) < 0) return 111 ;
  while ((n = read(o.msgfd, buf, sizeof buf)) > 0)
    if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n) return 111 ;
  return n < 0 || fflush(stdout) ? 111 : 0 ;
}
