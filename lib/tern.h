/* tern.h: what every tern program shares: the exit-code triad, errno
   classification, durable files, maildir unique names.  Each area has its
   own header beside this one (tern_addr.h, tern_conf.h, tern_store.h, ...). */
#ifndef TERN_H
#define TERN_H

#include <stddef.h>
#include <sys/types.h>
#include <skalibs/stralloc.h>

#define TERN_OK 0      /* done */
#define TERN_PERM 100  /* retrying the same call cannot help */
#define TERN_TEMP 111  /* try again later */

#define TERN_VERSION "0.1.0"

/* 1 if errno e is temporary; an unknown errno is temporary. */
extern int tern_errtemp (int e) ;
/* TERN_TEMP or TERN_PERM for errno e. */
extern int tern_errcode (int e) ;

/* Durable files.  Each returns 1, or 0 with errno set. */
/* Replace path with s: write path.tmp.PID, fsync, rename, fsync the directory. */
extern int tern_file_replace (char const *path, char const *s, size_t len, unsigned int mode) ;
/* tern_statefile.c: a shared state file of size bytes (at most
   TERN_STATEFILE_MAX) starting with magic and its NUL: 1 if it is so, or
   made so (zeros behind the magic) when missing or damaged; 0 with errno */
#define TERN_STATEFILE_MAX 4096
extern int tern_statefile_init (char const *state, size_t size, char const *magic) ;
extern int tern_statefile_lock (int fd, unsigned int slot, short type) ;  /* OFD lock of a 64-byte slot */
/* The same, with the content written to fd by fill(fd, aux) (1 ok, 0 errno). */
extern int tern_file_replacefn (char const *path, unsigned int mode, int (*fill) (int, void *), void *aux) ;
/* 1 if name is the NAME.tmp.PID of a replace by a running process */
extern int tern_file_replacing (char const *name) ;
/* Exclusive lock DIR/lock, created if missing: fd (held while open), or -1. */
extern int tern_lock (char const *dir) ;
/* The same for DIR/NAME. */
extern int tern_lockat (char const *dir, char const *name) ;
/* fsync the directory holding path (or path itself when isdir). */
extern int tern_fsync_dir (char const *path, int isdir) ;
/* tern_hugepages.c: hints for a large array about to be filled */
extern void tern_hugepages (void *p, size_t len) ;
extern void tern_prefault (void *p, size_t len) ;
/* Create dir and its missing parents with mode. */
extern int tern_mkdirp (char const *path, unsigned int mode) ;
/* Append a maildir unique name (time.MusecPpid_count.host) to sa; no NUL. */
extern int tern_uniqname (stralloc *sa) ;

/* Descriptors passed over a unix socket (SCM_RIGHTS), with len bytes of
   data; flags for sendmsg/recvmsg (MSG_NOSIGNAL is added to the send,
   MSG_CMSG_CLOEXEC to the receive).  Send: the bytes sent, or -1 (EINTR
   retried).  Receive: the bytes read (0 at EOF), and in fd[0..*n) the fds
   that came (*n <= max, the real count; a caller refuses a count it does
   not want, closing those *n); or -1 with *n = 0.  A message whose fds or
   data the kernel cut off (MSG_CTRUNC, MSG_TRUNC: the receiver at its
   open-file limit, or a short buf), or with more than max fds, is -1
   EMSGSIZE, every fd that arrived closed: the caller closes nothing. */
#define TERN_FDPASS_MAX 4
extern ssize_t tern_fd_send (int sock, void const *buf, size_t len, int const *fd, unsigned int nfd, int flags) ;
extern ssize_t tern_fd_recv (int sock, void *buf, size_t len, int *fd, unsigned int max, unsigned int *n, int flags) ;

/* The config directory: -c wins, then $TERN_CONF, then /etc/tern. */
extern char const *tern_confdir (char const *opt) ;

#endif
